/** Registers every metric; a config lists them under `training.metrics`. */
import { Type } from '@sinclair/typebox';
import { Registry } from '../registry';
import { accuracy } from './accuracy';
import type { MetricComponent } from './metric-component';

export const metrics = new Registry<MetricComponent>('metrics', 'What is measured besides the loss.')
  .register(accuracy)
  .writtenAt('training.metrics', (ref) => Type.Array(ref(), { default: ['accuracy'], maxItems: 20 }));
