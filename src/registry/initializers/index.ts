/** Registers every weight initializer; layers name them in their options (`kernelInitializer: heUniform`). */
import { Registry } from '../registry';
import { constant, ones, zeros } from './constant';
import type { InitializerComponent } from './initializer-component';
import { randomNormal, randomUniform } from './random';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform } from './variance-scaling';

export const initializers = new Registry<InitializerComponent>('initializers', 'How a weight tensor starts.')
  .register(heUniform)
  .register(heNormal)
  .register(glorotUniform)
  .register(glorotNormal)
  .register(lecunUniform)
  .register(lecunNormal)
  .register(zeros)
  .register(ones)
  .register(constant)
  .register(randomNormal)
  .register(randomUniform);
