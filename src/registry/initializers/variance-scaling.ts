/** The variance-scaling family (He, Glorot, LeCun), uniform and normal: weights scaled to the layer's fan-in/fan-out. */
import * as tf from '@tensorflow/tfjs';
import { options } from '../options';
import { Initializer, initializer } from './initializer-component';

type SeededFactory = (args: { seed?: number }) => Initializer;

function varianceScaling(name: string, description: string, make: SeededFactory) {
  return initializer({ name, description, optionsSchema: options({}), create: (_o, { seed }) => make({ seed }) });
}

export const heUniform = varianceScaling('heUniform', 'Uniform in ±sqrt(6 / fanIn); suits ReLU.', tf.initializers.heUniform);
export const heNormal = varianceScaling('heNormal', 'Truncated normal with stddev sqrt(2 / fanIn); suits ReLU.', tf.initializers.heNormal);
export const glorotUniform = varianceScaling('glorotUniform', 'Uniform in ±sqrt(6 / (fanIn + fanOut)).', tf.initializers.glorotUniform);
export const glorotNormal = varianceScaling('glorotNormal', 'Truncated normal with stddev sqrt(2 / (fanIn + fanOut)).', tf.initializers.glorotNormal);
export const lecunUniform = varianceScaling('lecunUniform', 'Uniform in ±sqrt(3 / fanIn).', tf.initializers.leCunUniform);
export const lecunNormal = varianceScaling('lecunNormal', 'Truncated normal with stddev sqrt(1 / fanIn).', tf.initializers.leCunNormal);
