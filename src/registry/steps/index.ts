/** Registers every pipeline step; a config lists them, in order, under `steps`. */
import { Type } from '@sinclair/typebox';
import { Registry } from '../registry';
import { evaluate } from './evaluate';
import { fit } from './fit';
import { report } from './report';
import { save } from './save';
import type { StepComponent } from './step-component';
import { test } from './test';
import { train } from './train';

export const steps = new Registry<StepComponent>('steps', 'A unit of work the run performs, in order.')
  .register(train)
  .register(evaluate)
  .register(fit)
  .register(test)
  .register(save)
  .register(report)
  .writtenAt('steps', (ref) => Type.Array(ref(), { minItems: 1, maxItems: 50, default: ['train', 'evaluate', 'report'] }));
