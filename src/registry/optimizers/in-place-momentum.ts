/** tfjs's momentum SGD, whose update runs in place on the native backend: the same arithmetic, without four new tensors per weight a step. */
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor, NamedVariableMap } from '@tensorflow/tfjs-core/dist/tensor_types';
import { canUpdateInPlace, momentumUpdateInPlace } from '../../backend/native/momentum';

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

export class InPlaceMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(variableGradients: NamedVariableMap | NamedTensor[]): void {
    const gradients = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    // tfjs keeps the momenta in a private list by each weight's position; getWeights and setWeights (checkpoints)
    // read and write it. Until tfjs has made them (its first step), and wherever the update cannot run in place,
    // tfjs's own update runs.
    const slots = (this as unknown as { accumulations: (Slot | undefined)[] }).accumulations;
    const weights = tf.engine().registeredVariables;
    const inPlace = gradients.every(
      ({ name, tensor }, i) => tensor != null && slots[i] !== undefined && canUpdateInPlace(weights[name], slots[i].variable, tensor),
    );
    if (!inPlace) return super.applyGradients(variableGradients);
    const { learningRate, momentum, useNesterov } = this.getConfig() as { learningRate: number; momentum: number; useNesterov: boolean };
    gradients.forEach(({ name, tensor }, i) =>
      momentumUpdateInPlace(weights[name], slots[i]!.variable, tensor, { learningRate, momentum, nesterov: useNesterov }),
    );
    this.incrementIterations();
  }
}
