/** Registers every learning-rate schedule; a config may pick one under `training.schedule`. */
import { Type } from '@sinclair/typebox';
import { Registry } from '../registry';
import { constant } from './constant';
import { cosine } from './cosine';
import { exponential } from './exponential';
import type { ScheduleComponent } from './schedule-component';
import { step } from './step';

export const schedules = new Registry<ScheduleComponent>(
  'schedules',
  "How the optimizer's learning rate changes over training (none: it stays fixed).",
)
  .register(step)
  .register(exponential)
  .register(cosine)
  .register(constant)
  .writtenAt('training.schedule', (ref) => Type.Optional(ref()));
