/** Scores the final model once on the test data: accuracy, loss, confusion matrix, per-class metrics, surest mistakes. */
import { Type } from '@sinclair/typebox';
import { classNamesOf } from '../../data/dataset';
import { predictClasses } from '../../data/predictions';
import { ConfigError, RunError } from '../../errors';
import { logger } from '../../log';
import { summarizePredictions } from '../../report/prediction-summary';
import { componentRef, options } from '../options';
import { ComponentRef, resolveRef } from '../registry';
import { step } from './step-component';

export const test = step({
  name: 'test',
  description: 'Scores the model fit trained on the test data, once.',
  requires: ['the final model'],
  provides: [],
  optionsSchema: options({
    source: Type.Optional(componentRef('sources', { description: 'The test data; default: the mnist test split when the data is mnist.' })),
  }),
  create: (o, { spec }) => {
    const source = o.source ?? defaultTestSource(spec.data.source);
    return {
      async run(context) {
        const final = context.final;
        if (!final) throw new RunError('test: there is no final model to score.');
        const data = context.datasetFrom(source, 'test');
        const started = Date.now();
        const scores = context.score(final.training.model, data);
        const classes = final.training.model.outputs[0].shape[1] ?? data.numClasses;
        const summary = summarizePredictions(predictClasses(final.training.model, data), classNamesOf(data, classes));
        const samples = data.indices.length;
        const accuracy = (samples - summary.errors) / samples;
        final.test = { origin: data.origin, samples, accuracy, loss: scores.loss, scores, ...summary, seconds: (Date.now() - started) / 1000 };
        logger.info(`test on ${data.origin}: accuracy ${(100 * accuracy).toFixed(2)}% (${summary.errors} of ${samples} misclassified), loss ${scores.loss.toFixed(4)}`);
      },
    };
  },
});

/** MNIST has its own test split; any other source has to say where its test data is. */
export function defaultTestSource(trainSource: ComponentRef): ComponentRef {
  const { type } = resolveRef(trainSource);
  if (type === 'mnist') return { type: 'mnist', split: 'test' };
  throw new ConfigError(`The test step needs its data for source "${type}": write it as { type: test, source: { type: ${type}, ... } } in steps.`);
}
