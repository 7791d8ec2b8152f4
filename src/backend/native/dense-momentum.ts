// A dense layer with relu, softmax or no activation, while it trains on the native backend under momentum SGD: the
// forward pass is one native kernel (product, bias, relu: dense-forward.ts), then softmax where the layer has it, and
// the backward pass one native kernel that takes the activation's gradient, gives x's and the bias's gradients and
// applies the optimizer's update to the weights in the same pass over them (native/src/dense-momentum.c), where the
// two products, the gradient written out and the update went over the weights' size six times. The weights'
// gradient handed back to the tape is then a placeholder the optimizer skips (backward-updates.ts).
import * as tf from '@tensorflow/tfjs';
import { engine, getBackend, KernelConfig, NamedAttrMap, registerKernel, Softmax, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { nativeAddon } from './addon';
import { NATIVE_BACKEND } from './backend-name';
import { claimMomentumUpdate, markUpdateApplied, MomentumUpdate } from './backward-updates';
import { DenseForwardAttrs, NATIVE_DENSE_FORWARD } from './dense-forward';
import { heapOf, offsetOf } from './heap';
import { aloneInMemory } from './momentum';

export const NATIVE_DENSE_MOMENTUM_BACKWARD = 'NativeDenseMomentumBackward';

/** The activations the backward pass takes the gradient of, by their code in the addon. */
export const DENSE_ACTIVATION_CODES = { linear: 0, relu: 1, softmax: 2 } as const;
export type DenseActivation = keyof typeof DENSE_ACTIVATION_CODES;

interface BackwardAttrs {
  activation: DenseActivation;
  negativeLearningRate: number;
  momentum: number;
  nesterov: boolean;
  /** The AVX-512 loops (the same bits as the portable ones, which the tests compare them with). */
  avx512: boolean;
}

/** [dx, dbias] from dy, x and the output y; w and its accumulation (inputs) are updated in place. */
const backwardKernel: KernelConfig = {
  kernelName: NATIVE_DENSE_MOMENTUM_BACKWARD,
  backendName: NATIVE_BACKEND,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy, y, w, accumulation } = inputs as Record<'x' | 'dy' | 'y' | 'w' | 'accumulation', TensorInfo>;
    const a = attrs as unknown as BackwardAttrs;
    const wasm = backend as BackendWasm;
    const [batch, features] = x.shape;
    const units = w.shape[1];
    const dx = wasm.makeOutput(x.shape, 'float32');
    const dbias = wasm.makeOutput([units], 'float32');
    const of = (t: TensorInfo) => offsetOf(wasm, t);
    nativeAddon().denseMomentumBackward(
      heapOf(wasm, dx),
      { x: of(x), dy: of(dy), y: of(y), w: of(w), accumulation: of(accumulation), dx: of(dx), dbias: of(dbias) },
      { batch, inputs: features, units, activation: DENSE_ACTIVATION_CODES[a.activation] },
      a.negativeLearningRate,
      a.momentum,
      +a.nesterov,
      +a.avx512,
    );
    return [dx, dbias];
  },
};

export function registerDenseMomentum(): void {
  registerKernel(backwardKernel);
}

// Read once: the addon builds its CPU description anew on every call, and this is asked on every training step.
let avx512: boolean | undefined;
const hasAvx512 = () => (avx512 ??= nativeAddon().cpu().avx512);

/** The gradients tfjs's fused matMul gives, for when the update cannot run in place after all. */
function gradientsApart(dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor, w: tf.Tensor, activation: DenseActivation): tf.Tensor[] {
  const d = activation === 'relu' ? tf.mul(dy, tf.step(y)) : activation === 'softmax' ? softmaxGradient(dy, y) : dy;
  return [tf.matMul(d, w, false, true), tf.matMul(x, d, true, false), tf.sum(d, 0)];
}

/** tfjs's gradient of softmax over the last axis, from its output y. */
function softmaxGradient(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  const dyTimesY = tf.mul(dy, y);
  return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, -1, true), y));
}

/**
 * activation(x·w + bias) with that backward pass, while a first-order gradient is recorded on the native
 * backend of a CPU with AVX-512 and the optimizer offers w's momentum update; undefined otherwise, where the layer
 * runs as tfjs's.
 */
export function denseWhileTraining(x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor | undefined, activation: DenseActivation): tf.Tensor | undefined {
  if (getBackend() !== NATIVE_BACKEND || engine().state.gradientDepth !== 1 || !hasAvx512()) return undefined;
  if (x.rank !== 2 || w.rank !== 2 || [x, w, ...(bias ? [bias] : [])].some((t) => t.dtype !== 'float32')) return undefined;
  const claim = claimMomentumUpdate(w);
  // Checked again at the backward pass: nothing but this update may write the weights and their accumulation.
  if (!claim || !aloneInMemory(w, claim.update.accumulation)) return undefined;
  const { update } = claim;
  const layer = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    const [input, weights, b] = args as tf.Tensor[];
    const forward: DenseForwardAttrs = { relu: activation === 'relu', avx512: true };
    const product = engine().runKernel<tf.Tensor>(
      NATIVE_DENSE_FORWARD,
      { x: input, w: weights, ...(b ? { bias: b } : {}) },
      forward as unknown as NamedAttrMap,
    );
    const y = activation === 'softmax' ? engine().runKernel<tf.Tensor>(Softmax, { logits: product }, { dim: product.rank - 1 }) : product;
    save([input, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [savedX, savedY] = saved;
        const grads =
          claim.usedOnce() && aloneInMemory(weights, update.accumulation)
            ? updatingGradients(dy as tf.Tensor, savedX, savedY, weights, update, activation)
            : gradientsApart(dy as tf.Tensor, savedX, savedY, weights, activation);
        return b ? grads : grads.slice(0, 2);
      },
    };
  });
  return bias ? layer(x, w, bias) : layer(x, w);
}

/** [dx, the placeholder for w's gradient, dbias], with w and its accumulation updated. */
function updatingGradients(
  dy: tf.Tensor,
  x: tf.Tensor,
  y: tf.Tensor,
  w: tf.Tensor,
  update: MomentumUpdate,
  activation: DenseActivation,
): tf.Tensor[] {
  const attrs: BackwardAttrs = {
    activation,
    negativeLearningRate: -update.learningRate,
    momentum: update.momentum,
    nesterov: update.nesterov,
    avx512: true,
  };
  const [dx, dbias] = engine().runKernel<tf.Tensor[]>(
    NATIVE_DENSE_MOMENTUM_BACKWARD,
    { x, dy, y, w, accumulation: update.accumulation },
    attrs as unknown as NamedAttrMap,
  );
  // Shares w's memory: nothing is copied, and the optimizer reads nothing from it.
  return [dx, markUpdateApplied(tf.clone(w)), dbias];
}
