/** Registers every weight initializer. */
import { Registry } from '../registry';
import { constant, ones, zeros } from './constant';
import type { InitializerComponent } from './initializer-component';
import { randomNormal, randomUniform } from './random';
import { glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform } from './variance-scaling';

export const initializers = new Registry<InitializerComponent<any>>('initializers', 'How a weight tensor starts.');
for (const component of [heUniform, heNormal, glorotUniform, glorotNormal, lecunUniform, lecunNormal, zeros, ones, constant, randomNormal, randomUniform]) {
  initializers.register(component);
}
