/** Scores the final model once on the test data: accuracy, loss, confusion matrix, per-class metrics, surest mistakes. */
import { Type } from '@sinclair/typebox';
import { ConfigError, RunError } from '../../errors';
import { logger } from '../../log';
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
        const summary = context.predictions(final.training.model, data);
        const correct = summary.confusion.reduce((sum, row, c) => sum + row[c], 0);
        const accuracy = correct / summary.samples;
        final.test = { origin: data.origin, accuracy, loss: scores.loss, scores, ...summary, seconds: (Date.now() - started) / 1000 };
        logger.info(
          `test on ${data.origin}: accuracy ${(100 * accuracy).toFixed(2)}% (${summary.samples - correct} of ${summary.samples} misclassified), loss ${scores.loss.toFixed(4)}`,
        );
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
