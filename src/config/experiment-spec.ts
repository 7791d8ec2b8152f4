/** The typed shape of a validated experiment config; the schema in schema.ts is its source of truth. */
import type { ComponentRef } from '../registry/registry';

export type BackendName = 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

export interface ExperimentSpec {
  name: string;
  description?: string;
  seed: number;
  runtime: { backend: BackendName; workers: number | 'auto' };
  data: {
    source: ComponentRef;
    stages: ComponentRef[];
  };
  model: { layers: ComponentRef[] };
  training: {
    optimizer: ComponentRef;
    loss: ComponentRef;
    metrics: ComponentRef[];
    epochs: number;
    batchSize: number;
  };
  evaluation: ComponentRef;
  steps: ComponentRef[];
}
