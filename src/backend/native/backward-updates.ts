/**
 * Weight updates a layer's backward pass may apply itself, in the same pass over the weights as their gradient: an
 * optimizer offers them while its step runs, and learns which gradients it has then already been given effect to.
 */
import type * as tf from '@tensorflow/tfjs';

/** Momentum SGD's update of one weight: its accumulation and the step's hyperparameters. */
export interface MomentumUpdate {
  accumulation: tf.Variable;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

/** What an optimizer offers during a step: the update of `weight`, when a backward pass may apply it in place. */
export interface BackwardUpdates {
  momentumUpdateOf(weight: tf.Tensor): MomentumUpdate | undefined;
}

/** The updates on offer during the step running now, and how many times the step's layers have used each weight. */
interface Offer {
  updates: BackwardUpdates;
  uses: Map<tf.Tensor, number>;
}

let current: Offer | undefined;

/** Runs `step` (an optimizer's minimize) with `updates` on offer to the layers it runs. */
export function offeringBackwardUpdates<T>(updates: BackwardUpdates, step: () => T): T {
  const outer = current;
  current = { updates, uses: new Map() };
  try {
    return step();
  } finally {
    current = outer;
  }
}

/** A layer's claim on a weight's update, made in its forward pass and honoured in its backward pass. */
export interface UpdateClaim {
  update: MomentumUpdate;
  /**
   * Whether the layer alone used the weight in this step, so that its gradient is the weight's whole gradient: a
   * layer applied twice uses it twice, and neither of its backward passes may then update it.
   */
  usedOnce(): boolean;
}

/** Claims the update of `weight` on offer now, if any, for a layer using it. */
export function claimMomentumUpdate(weight: tf.Tensor): UpdateClaim | undefined {
  if (!current) return undefined;
  const { updates, uses } = current;
  const count = (uses.get(weight) ?? 0) + 1;
  uses.set(weight, count);
  const update = count === 1 ? updates.momentumUpdateOf(weight) : undefined;
  return update && { update, usedOnce: () => uses.get(weight) === 1 };
}

/** Gradients a backward pass returned for weights it has already updated: placeholders the optimizer must skip. */
const appliedGradients = new WeakSet<tf.Tensor>();

export function markUpdateApplied(gradient: tf.Tensor): tf.Tensor {
  appliedGradients.add(gradient);
  return gradient;
}

export function isUpdateApplied(gradient: tf.Tensor): boolean {
  return appliedGradients.has(gradient);
}
