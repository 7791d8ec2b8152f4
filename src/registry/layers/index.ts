/** Registers every layer component; configs list them under `model.layers`. */
import { Type } from '@sinclair/typebox';
import { Registry } from '../registry';
import { batchNormalization } from './batch-normalization';
import { conv2d } from './conv2d';
import { dense } from './dense';
import { dropout } from './dropout';
import { flatten } from './flatten';
import type { LayerComponent } from './layer-component';
import { averagePooling2d, maxPooling2d } from './pooling2d';

export const layers = new Registry<LayerComponent>('layers', 'A layer of the model.')
  .register(conv2d)
  .register(maxPooling2d)
  .register(averagePooling2d)
  .register(flatten)
  .register(dense)
  .register(dropout)
  .register(batchNormalization)
  .writtenAt('model.layers', (ref) => Type.Array(ref(), { minItems: 1, maxItems: 200, description: 'The layer stack, input first.' }));
