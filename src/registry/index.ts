/**
 * The component registry: one namespace per kind of component, all built on the same Registry. A new kind is a
 * folder with its components and a Registry (placed in the config with `writtenAt`, or referenced from other
 * components' options with `componentRef`), plus one line here; the experiment schema and its type follow.
 */
import { evaluation } from './evaluation';
import { initializers } from './initializers';
import { layers } from './layers';
import { losses } from './losses';
import { metrics } from './metrics';
import { optimizers } from './optimizers';
import { regularizers } from './regularizers';
import { schedules } from './schedules';
import { sources } from './sources';
import { stages } from './stages';
import { steps } from './steps';

export const registry = {
  layers,
  initializers,
  regularizers,
  optimizers,
  schedules,
  losses,
  metrics,
  sources,
  stages,
  evaluation,
  steps,
};
