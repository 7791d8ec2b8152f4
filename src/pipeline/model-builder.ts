/** Builds the tfjs model a config's layer list describes, layer by layer, from the registry. */
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors';
import type { Random } from '../random';
import { registry } from '../registry';
import { joinBatchNormalizationMaxPoolForTraining } from '../registry/layers/batch-normalization-max-pool-training';
import { joinConvBatchNormalizationMaxPoolForTraining } from '../registry/layers/conv2d-batch-normalization-max-pool-training';
import { joinConvMaxPool } from '../registry/layers/conv2d-relu-max-pool-join';
import { ComponentRef, resolveRef } from '../registry/registry';

/**
 * @param initRandom seeds weight initializers.
 * @param layerRandom randomness layers draw while training (dropout masks); its own stream so it can be checkpointed.
 */
export function buildModel(layers: readonly ComponentRef[], inputShape: number[], initRandom: Random, layerRandom = initRandom): tf.Sequential {
  const model = tf.sequential();
  const initializer = (ref: ComponentRef) => registry.initializers.instantiate(ref, { seed: initRandom.seed() });
  const regularizer = (ref: ComponentRef) => registry.regularizers.instantiate(ref, undefined);
  layers.forEach((ref, index) => {
    const type = resolveRef(ref).type;
    const previous = index === 0 ? [null, ...inputShape] : model.outputs[0].shape;
    const keys = ['model', 'layers', index];
    const fail = (reason: string) =>
      new ConfigError('The model cannot be built:', [
        {
          path: `model.layers[${index}]`,
          keys,
          message: `${type} cannot take an input of shape ${shapeText(previous)}${index === 0 ? ' (one sample after data.stages)' : ''}: ${reason}.`,
        },
      ]);
    const component = registry.layers.get(type);
    if (component.input && previous.length !== component.input.rank) throw fail(component.input.hint);
    try {
      model.add(
        registry.layers.instantiate(ref, { inputShape: index === 0 ? inputShape : undefined, initializer, regularizer, random: layerRandom }),
      );
    } catch (error) {
      const message = (error as Error).message;
      throw fail(/Negative dimension/.test(message) ? 'its window is larger than its input' : message);
    }
    const output = model.outputs[0].shape;
    if (output.some((d) => d !== null && d <= 0)) throw fail(`its output would be ${shapeText(output)}`);
  });
  joinConvMaxPool(model.layers);
  joinBatchNormalizationMaxPoolForTraining(model.layers);
  joinConvBatchNormalizationMaxPoolForTraining(model.layers);
  return model;
}

export function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? 'batch').join(', ')}]`;
}
