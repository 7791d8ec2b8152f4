/** A model of the experiment trained on its first images outside any run: what timing and profiling measure. */
import * as tf from '@tensorflow/tfjs';
import { allPositions } from '../data/batches';
import { Dataset, subset } from '../data/dataset';
import { registry } from '../registry';
import { buildModel } from './model-builder';
import type { RunContext } from './run-context';
import { Objective, trainModel } from './trainer';

export interface TrialTraining {
  model: tf.LayersModel;
  objective: Objective;
  /** The dataset's first `count` samples. */
  first(count: number): Dataset;
  /** One pass over the first `count` samples, in seeded batch order. */
  train(count: number): Promise<void>;
  dispose(): void;
}

export function trialTraining(context: RunContext, name: string): TrialTraining {
  const { spec } = context;
  const dataset = context.dataset();
  const first = (count: number) => subset(dataset, allPositions(dataset).slice(0, count));
  const model = buildModel(spec.model.layers, dataset.sampleShape, context.random(`${name}.init`));
  const optimizer = registry.optimizers.instantiate(spec.training.optimizer, undefined);
  const objective = context.objective();
  const random = context.random(`${name}.batches`);
  return {
    model,
    objective,
    first,
    async train(count) {
      await trainModel(model, optimizer, objective, first(count), first(1), { epochs: 1, batchSize: spec.training.batchSize, random });
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
    },
  };
}
