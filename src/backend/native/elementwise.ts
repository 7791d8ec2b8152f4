// Add, Sub, Multiply, RealDiv, SquaredDifference (batch statistics), Relu and Step on the native backend, for float32 operands of the same shape or with
// one operand repeated along the leading axes (a bias, a scalar): the cases training hits on every step. Others stay
// with the original.
import {
  Add,
  backend_util,
  BinaryInputs,
  Multiply,
  RealDiv,
  Relu,
  SquaredDifference,
  Step,
  StepAttrs,
  Sub,
  TensorInfo,
  UnaryInputs,
  util,
} from '@tensorflow/tfjs-core';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { heapOf, offsetOf } from './heap';

// The addon's operation codes.
const BINARY = { add: 0, subtract: 1, multiply: 2, divide: 3, squaredDifference: 4 };
const UNARY = { relu: 0, step: 1 };

/** How often an operand repeats over `shape`: 1 when it is the whole, 0 when (past leading 1s) it is not a trailing block. */
function repeatsOver(operand: number[], shape: number[]): number {
  const size = util.sizeFromShape(operand);
  const first = operand.findIndex((d) => d !== 1);
  const block = first < 0 ? [] : operand.slice(first);
  const aligned = block.length <= shape.length && util.arraysEqual(block, shape.slice(shape.length - block.length));
  return aligned && size > 0 ? util.sizeFromShape(shape) / size : 0;
}

function binaryOverride(kernelName: string, op: number) {
  return overrideKernel<BinaryInputs, unknown>('native', kernelName, (args, original) => {
    const { inputs, backend } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const shape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const size = util.sizeFromShape(shape);
    const [repeatsA, repeatsB] = [repeatsOver(a.shape, shape), repeatsOver(b.shape, shape)];
    if (size === 0 || repeatsA === 0 || repeatsB === 0 || (repeatsA > 1 && repeatsB > 1)) return original(args);
    const out = backend.makeOutput(shape, 'float32');
    nativeAddon().binary(
      heapOf(backend, out),
      op,
      offsetOf(backend, a),
      offsetOf(backend, b),
      offsetOf(backend, out),
      size,
      size / repeatsA,
      size / repeatsB,
    );
    return out;
  });
}

function unaryOverride(kernelName: string, op: number) {
  return overrideKernel<UnaryInputs, Partial<StepAttrs>>('native', kernelName, (args, original) => {
    const { inputs, backend, attrs } = args;
    const x = inputs.x as TensorInfo;
    const size = util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || size === 0) return original(args);
    const out = backend.makeOutput(x.shape, 'float32');
    nativeAddon().unary(heapOf(backend, out), op, offsetOf(backend, x), offsetOf(backend, out), size, attrs?.alpha ?? 0);
    return out;
  });
}

export const nativeAdd = binaryOverride(Add, BINARY.add);
export const nativeSub = binaryOverride(Sub, BINARY.subtract);
export const nativeMultiply = binaryOverride(Multiply, BINARY.multiply);
export const nativeRealDiv = binaryOverride(RealDiv, BINARY.divide);
export const nativeSquaredDifference = binaryOverride(SquaredDifference, BINARY.squaredDifference);
export const nativeRelu = unaryOverride(Relu, UNARY.relu);
export const nativeStep = unaryOverride(Step, UNARY.step);
