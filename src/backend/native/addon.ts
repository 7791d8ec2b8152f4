/** Loads the native kernel addon (native/, compiled by `npm install` where a C compiler is present) and its OpenBLAS. */
import * as path from 'path';

/** The addon's kernels read and write tensors in place in the wasm heap, at float32 element offsets. */
export interface NativeAddon {
  /** Describes the BLAS library loaded; throws why none loaded. */
  blas(): string;
  matMul(
    heap: ArrayBuffer, a: number, b: number, c: number,
    batches: number, m: number, n: number, k: number, transposeA: number, transposeB: number, strideA: number, strideB: number,
  ): void;
  conv2D(heap: ArrayBuffer, x: number, filter: number, y: number, ...geometry: number[]): void;
  conv2DBackpropFilter(heap: ArrayBuffer, x: number, dy: number, dw: number, ...geometry: number[]): void;
  conv2DBackpropInput(heap: ArrayBuffer, dy: number, filter: number, dx: number, ...geometry: number[]): void;
  momentumUpdate(
    heap: ArrayBuffer, value: number, accumulation: number, gradient: number, size: number,
    negativeLearningRate: number, momentum: number, nesterov: number,
  ): void;
  biasActivation(heap: ArrayBuffer, y: number, bias: number, rows: number, columns: number, activation: number): void;
  maxPool(heap: ArrayBuffer, x: number, y: number, ...geometry: number[]): void;
  binary(heap: ArrayBuffer, op: number, a: number, b: number, out: number, size: number, periodA: number, periodB: number): void;
  unary(heap: ArrayBuffer, op: number, x: number, y: number, size: number, alpha: number): void;
  batchNorm(
    heap: ArrayBuffer, x: number, mean: number, variance: number, offset: number, scale: number, out: number,
    size: number, channels: number, epsilon: number,
  ): void;
  reluGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, size: number): void;
  sumRows(heap: ArrayBuffer, x: number, out: number, rows: number, columns: number, mean: number): void;
  maxPoolGrad(heap: ArrayBuffer, x: number, dy: number, dx: number, dyHeight: number, dyWidth: number, ...geometry: number[]): void;
}

export type AddonLoad = { addon: NativeAddon; blas: string } | { reason: string };

// From dist/src/backend/native to the package's root.
const ADDON_PATH = path.join(__dirname, '..', '..', '..', '..', 'native', 'build', 'Release', 'pipeline_native.node');

let loaded: AddonLoad | undefined;

export function loadNativeAddon(): AddonLoad {
  if (loaded) return loaded;
  try {
    const addon = require(ADDON_PATH) as NativeAddon;
    loaded = { addon, blas: addon.blas() };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    loaded = {
      reason: code === 'MODULE_NOT_FOUND' ? 'the native addon is not built (npm install builds it with node-gyp and a C compiler)' : message.split('\n')[0],
    };
  }
  return loaded;
}

/** The addon, once loadNativeAddon() has found it; kernels are registered only then. */
export function nativeAddon(): NativeAddon {
  const result = loadNativeAddon();
  if (!('addon' in result)) throw new Error(`native kernels unavailable: ${result.reason}`);
  return result.addon;
}
