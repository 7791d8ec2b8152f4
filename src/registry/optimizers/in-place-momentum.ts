/**
 * tfjs's momentum SGD, whose update runs in place on the native backend: the same arithmetic, without four new tensors
 * per weight a step; and which offers the layers it trains to apply a weight's update in their backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor, NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types';
import { BackwardUpdates, isUpdateApplied, MomentumUpdate, offeringBackwardUpdates } from '../../backend/native/backward-updates';
import { canUpdateInPlace, momentumUpdateInPlace } from '../../backend/native/momentum';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

type MomentumOptions = Omit<MomentumUpdate, 'accumulation'>;

const isVariable = (t: tf.Tensor): t is tf.Variable => t instanceof tf.Variable;

export class InPlaceMomentumOptimizer extends tf.MomentumOptimizer implements BackwardUpdates {
  /** The weights the step running now trains (minimize's varList); without one, no update is offered. */
  private stepWeights: readonly tf.Variable[] | undefined;

  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    this.stepWeights = varList;
    try {
      return offeringBackwardUpdates(this, () => super.minimize(f, returnCost, varList));
    } finally {
      this.stepWeights = undefined;
    }
  }

  /** tfjs keeps the momenta in a private list by each weight's position; getWeights and setWeights (checkpoints) read and write it. */
  private get slots(): (Slot | undefined)[] {
    return (this as unknown as { accumulations: (Slot | undefined)[] }).accumulations;
  }

  private get options(): MomentumOptions {
    const { learningRate, momentum, useNesterov } = this.getConfig() as { learningRate: number; momentum: number; useNesterov: boolean };
    return { learningRate, momentum, nesterov: useNesterov };
  }

  /**
   * Offered only for a step given its weights (minimize's varList): tfjs finds a weight's momentum by its position
   * among the step's gradients, which follow that list, and not by its name, which a model built again to resume
   * from a checkpoint does not keep.
   */
  momentumUpdateOf(weight: tf.Tensor): MomentumUpdate | undefined {
    const position = this.stepWeights && isVariable(weight) && weight.trainable ? this.stepWeights.indexOf(weight) : -1;
    const slot = position >= 0 ? this.slots[position] : undefined;
    if (!slot || !tf.util.arraysEqual(slot.variable.shape, weight.shape) || slot.variable.dtype !== weight.dtype) return undefined;
    return { accumulation: slot.variable, ...this.options };
  }

  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    const gradients = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    // Until tfjs has made the momenta (its first step), its own update runs; no layer has been offered one before.
    if (gradients.some((_, i) => this.slots[i] === undefined)) return super.applyGradients(variableGradients);
    const weights = tf.engine().registeredVariables;
    const options = this.options;
    gradients.forEach(({ name, tensor }, i) => {
      if (tensor == null || isUpdateApplied(tensor)) return;
      const accumulation = this.slots[i]!.variable;
      if (canUpdateInPlace(weights[name], accumulation, tensor)) momentumUpdateInPlace(weights[name], accumulation, tensor, options);
      else momentumUpdate(weights[name], accumulation, tensor, options);
    });
    this.incrementIterations();
  }
}

/** tfjs's MomentumOptimizer's update of one weight, operation for operation, for what cannot be updated in place. */
function momentumUpdate(value: tf.Variable, accumulation: tf.Variable, gradient: tf.Tensor, options: MomentumOptions): void {
  tf.tidy(() => {
    const c = tf.scalar(-options.learningRate);
    const m = tf.scalar(options.momentum);
    const newAccumulation = tf.add(tf.mul(m, accumulation), gradient);
    const newValue = options.nesterov
      ? tf.add(tf.mul(c, tf.add(gradient, tf.mul(newAccumulation, m))), value)
      : tf.add(tf.mul(c, newAccumulation), value);
    accumulation.assign(newAccumulation);
    value.assign(newValue);
  });
}
