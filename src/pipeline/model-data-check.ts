/** Checks a built model against the data and the training settings before any training, so a mismatch is a located config error rather than a tensor error mid-run. */
import type * as tf from '@tensorflow/tfjs';
import type { ExperimentSpec } from '../config/experiment-spec';
import type { Dataset } from '../data/dataset';
import { ConfigError, ConfigIssue } from '../errors';
import { registry } from '../registry';
import { resolveRef } from '../registry/registry';
import { shapeText } from './model-builder';

/**
 * Throws a ConfigError listing what cannot work: labels the loss cannot compare with, an output that is not one
 * value per class, a width other than the number of classes. Returns what can run but will not mean what was
 * intended (a probability loss on an output that is not a distribution), for the caller to warn about.
 */
export function checkModelAgainstData(spec: ExperimentSpec, dataset: Dataset, model: tf.LayersModel): ConfigIssue[] {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const lossName = resolveRef(spec.training.loss).type;
  const layers = spec.model.layers;
  const last = layers.length - 1;
  const output = model.outputs[0].shape;
  const classes = dataset.numClasses;

  if (dataset.labelEncoding !== 'oneHot') {
    errors.push({
      path: 'training.loss',
      keys: ['training', 'loss'],
      message: `${lossName} compares each output row with a one-hot label row, but the labels are class indices: add oneHot to data.stages.`,
    });
  }
  if (output.length !== 2) {
    errors.push({
      path: `model.layers[${last}]`,
      keys: ['model', 'layers', last],
      message: `the model's output is ${shapeText(output)}, not one value per class [batch, ${classes}]: end the model with flatten and a dense layer of ${classes} units.`,
    });
  } else if (output[1] !== classes) {
    // The width comes from the last layer that sets one (a dropout or batch normalization after it keeps it).
    const sizing = lastIndexOf(layers, (ref) => typeof ref === 'object' && 'units' in ref);
    const at = sizing >= 0 ? ['model', 'layers', sizing, 'units'] : ['model', 'layers', last];
    errors.push({
      path: sizing >= 0 ? `model.layers[${sizing}].units` : `model.layers[${last}]`,
      keys: at,
      message: `the model outputs ${output[1]} values per sample but the data has ${classes} classes (${dataset.origin}): the last dense layer needs units: ${classes}.`,
    });
  }
  if (errors.length > 0) throw new ConfigError('The model does not fit the data or the loss:', errors);

  const finalLayer = model.layers[model.layers.length - 1];
  const activation = finalLayer.getConfig().activation;
  if (registry.losses.get(lossName).expectsProbabilities && activation !== 'softmax') {
    const ends = typeof activation === 'string' ? `activation "${activation}"` : 'no softmax activation';
    const written = typeof layers[last] === 'object' && 'activation' in layers[last];
    warnings.push({
      path: `model.layers[${last}]${written ? '.activation' : ''}`,
      keys: ['model', 'layers', last, ...(written ? ['activation'] : [])],
      message: `${lossName} expects each output row to be a probability distribution, but the last layer (${resolveRef(layers[last]).type}) has ${ends}: the loss and its gradients will not mean what they should; end with activation: softmax.`,
    });
  }
  return warnings;
}

function lastIndexOf<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
