// _FusedMatMul and FusedConv2D (a dense or conv layer's forward pass: product, bias, activation) on the native
// backend: the product through the selected matrix product, then bias and relu in one pass (a convolution that runs
// directly applies them as it writes). Other activations stay with the original.
import { _FusedMatMul, _FusedMatMulAttrs, FusedConv2D, FusedConv2DAttrs, TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from '../wasm-kernels/kernel-override';
import { nativeAddon } from './addon';
import { nativeConv2DBiasActivationOf } from './conv2d';
import { heapOf, offsetOf } from './heap';
import { nativeMatMulOf } from './mat-mul';

const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1 };

interface FusedInputs {
  bias?: TensorInfo;
  preluActivationWeights?: TensorInfo;
}

/** Whether the epilogue can take these: a known activation and a float32 bias of one value per output column. */
function epilogueFits(inputs: FusedInputs, activation: string | undefined, columns: number): boolean {
  const { bias, preluActivationWeights } = inputs;
  return (
    preluActivationWeights === undefined &&
    (activation ?? 'linear') in ACTIVATIONS &&
    (bias === undefined || (bias.dtype === 'float32' && util.sizeFromShape(bias.shape) === columns))
  );
}

function applyEpilogue(backend: BackendWasm, out: TensorInfo, bias: TensorInfo | undefined, activation: string | undefined): TensorInfo {
  const columns = out.shape[out.shape.length - 1];
  const rows = util.sizeFromShape(out.shape) / Math.max(columns, 1);
  const code = ACTIVATIONS[activation ?? 'linear'];
  // No bias and no activation: the product is the result, and a pass over it would change nothing.
  if (rows * columns > 0 && (bias !== undefined || code !== ACTIVATIONS.linear)) {
    nativeAddon().biasActivation(heapOf(backend, out), offsetOf(backend, out), bias ? offsetOf(backend, bias) : -1, rows, columns, code);
  }
  return out;
}

export const nativeFusedMatMul = overrideKernel<{ a: TensorInfo; b: TensorInfo } & FusedInputs, _FusedMatMulAttrs>(
  'native',
  _FusedMatMul,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { a, b, bias } = inputs;
    const n = b.shape[b.shape.length - (attrs.transposeB ? 2 : 1)];
    if (!epilogueFits(inputs, attrs.activation, n)) return original(args);
    const out = nativeMatMulOf(backend, a, b, attrs.transposeA, attrs.transposeB);
    return out ? applyEpilogue(backend, out, bias, attrs.activation) : original(args);
  },
);

export const nativeFusedConv2D = overrideKernel<{ x: TensorInfo; filter: TensorInfo } & FusedInputs, FusedConv2DAttrs>(
  'native',
  FusedConv2D,
  (args, original) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias } = inputs;
    if (!epilogueFits(inputs, attrs.activation, filter.shape[3])) return original(args);
    return nativeConv2DBiasActivationOf(backend, x, filter, bias, ACTIVATIONS[attrs.activation ?? 'linear'], attrs) ?? original(args);
  },
);
