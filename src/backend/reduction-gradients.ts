/**
 * Gradients of Mean and Sum that broadcast dy to the input's shape, where tfjs's multiply it by a tensor of ones of
 * that shape, filled element by element in JavaScript on every step: for batch normalization's statistics over a
 * 32 × 26 × 26 × 32 activation, that fill took half of a training step. The values are the same (dy · 1 is dy).
 */
import { backend_util, broadcastTo, div, GradConfig, Mean, NamedAttrMap, registerGradient, reshape, Sum, Tensor, util } from '@tensorflow/tfjs-core';

/** dy reshaped to the input's rank, with the reduced axes of size 1, and the number of values each output reduced. */
function expanded(dy: Tensor, x: Tensor, attrs: NamedAttrMap): { dy: Tensor; reduceSize: number } {
  const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape);
  const shape = x.shape.slice();
  axes.forEach((axis) => (shape[axis] = 1));
  const [, reduceShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  return { dy: reshape(dy, shape), reduceSize: util.sizeFromShape(reduceShape) };
}

const meanGradient: GradConfig = {
  kernelName: Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return {
      x: () => {
        const { dy: spread, reduceSize } = expanded(dy as Tensor, x, attrs);
        return broadcastTo(div(spread, reduceSize), x.shape);
      },
    };
  },
};

const sumGradient: GradConfig = {
  kernelName: Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved;
    return { x: () => broadcastTo(expanded(dy as Tensor, x, attrs).dy, x.shape) };
  },
};

/** Puts these gradients in place of tfjs's, for every backend. */
export function registerReductionGradients(): void {
  registerGradient(meanGradient);
  registerGradient(sumGradient);
}
