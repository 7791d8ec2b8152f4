/** Dropout whose masks come from the run's seeded stream, so training is reproducible (tfjs's own draws from Math.random). */
import { Type } from '@sinclair/typebox';
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../../random';
import { options } from '../options';
import { inputShapeOf, layer } from './layer-component';

class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';

  constructor(
    private readonly rate: number,
    private readonly random: Random,
    config: { inputShape?: number[] },
  ) {
    super(config);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    // A fresh seed per call: a fixed seed would drop the same units at every step.
    return tf.dropout(x, this.rate, undefined, this.random.seed());
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SeededDropout);

export const dropout = layer({
  name: 'dropout',
  description: 'While training, zeroes a random `rate` of the inputs and scales the rest up.',
  optionsSchema: options({ rate: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Fraction of inputs to drop.' }) }),
  create: (o, context) => new SeededDropout(o.rate, context.random, inputShapeOf(context)),
});
