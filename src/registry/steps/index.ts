/** Registers every pipeline step. */
import { Registry } from '../registry';
import { evaluate } from './evaluate';
import { report } from './report';
import type { StepComponent } from './step-component';
import { train } from './train';

export const steps = new Registry<StepComponent<any>>('steps', 'A unit of work the run performs, in order.')
  .register(train)
  .register(evaluate)
  .register(report);
