/** Assembles the experiment's JSON Schema from the registry, so component names and options are written once. */
import { registry } from '../registry';
import type { JsonSchema } from '../registry/json-schema';

export const SCHEMA_ID = 'pipeline:experiment.schema.json';

/** Run folders are named after experiments: no path separators, no dot-dot, no leading dot. */
export const EXPERIMENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*$';

let assembled: JsonSchema | undefined;

/** The schema, assembled once: the registry does not change while the process runs. */
export function experimentSchema(): JsonSchema {
  assembled ??= assemble();
  return assembled;
}

function assemble(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    title: 'Experiment',
    description: 'One ML experiment: data, model, training, evaluation and the steps that run them.',
    type: 'object',
    required: ['data', 'model', 'training'],
    additionalProperties: false,
    $defs: { initializer: registry.initializers.referenceSchema() },
    properties: {
      extends: { type: 'string', minLength: 1, description: 'Another config to start from: a name in the same folder or a path.' },
      name: { type: 'string', pattern: EXPERIMENT_NAME_PATTERN, maxLength: 100, description: 'Names the run folder; defaults to the file name.' },
      description: { type: 'string', maxLength: 2000, description: 'What this experiment tries.' },
      seed: { type: 'integer', minimum: 0, maximum: 2147483647, default: 1, description: 'Seeds weight init, shuffles and batch order.' },
      runtime: {
        type: 'object',
        additionalProperties: false,
        default: {},
        properties: {
          backend: {
            enum: ['auto', 'tensorflow', 'native', 'wasm', 'cpu'],
            default: 'auto',
            description: 'auto takes tensorflow (tfjs-node) when it loads, else native (wasm with OpenBLAS kernels) when it loads, else wasm.',
          },
          workers: {
            anyOf: [{ const: 'auto' }, { type: 'integer', minimum: 1, maximum: 64 }],
            default: 'auto',
            description: 'Processes training folds in parallel: auto is one per core (at most one per fold).',
          },
        },
      },
      data: {
        type: 'object',
        additionalProperties: false,
        required: ['source'],
        properties: {
          source: registry.sources.referenceSchema(),
          stages: { type: 'array', items: registry.stages.referenceSchema(), maxItems: 100, default: [], description: 'Applied in order.' },
        },
      },
      model: {
        type: 'object',
        additionalProperties: false,
        required: ['layers'],
        properties: {
          layers: { type: 'array', items: registry.layers.referenceSchema(), minItems: 1, maxItems: 200, description: 'The layer stack, input first.' },
        },
      },
      training: {
        type: 'object',
        additionalProperties: false,
        required: ['optimizer', 'loss'],
        properties: {
          optimizer: registry.optimizers.referenceSchema(),
          loss: registry.losses.referenceSchema(),
          metrics: { type: 'array', items: registry.metrics.referenceSchema(), default: ['accuracy'], maxItems: 20 },
          epochs: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'Passes over the training data.' },
          batchSize: { type: 'integer', minimum: 1, maximum: 65536, default: 32, description: 'Images per gradient step.' },
        },
      },
      evaluation: { ...registry.evaluation.referenceSchema(), default: { type: 'kfold', folds: 5 } },
      steps: { type: 'array', items: registry.steps.referenceSchema(), minItems: 1, maxItems: 50, default: ['train', 'evaluate', 'report'] },
    },
  };
}
