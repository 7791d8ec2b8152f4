/** Loads the native kernel addon (native/, compiled by `npm install` where a C compiler is present). */
import * as path from 'path';

/** The built-in product's micro-kernels, widest first. */
export const BUILTIN_KERNELS = ['avx512', 'avx2', 'portable'] as const;
export type BuiltinKernel = (typeof BUILTIN_KERNELS)[number];
/** The direct convolutions' and max pooling's loops (native/src/channel-blocks.h), widest first. */
export const CHANNEL_BLOCK_LOOPS = ['avx512', 'avx2', 'portable'] as const;
export type ChannelBlockLoops = (typeof CHANNEL_BLOCK_LOOPS)[number];

export interface CpuInfo {
  vendor: string;
  name: string;
  family: number;
  model: number;
  avx2Fma: boolean;
  avx512: boolean;
  avx512Bf16: boolean;
  openblasCore: string;
  builtinKernel: BuiltinKernel;
}

/** A convolution's or a pooling window's geometry, as the addon reads it (NHWC; the filter [height, width, in, out]). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** A batch of products c[i] = op(a[i])·op(b[i]); a stride of 0 repeats one operand (broadcasting). Offsets are float32 indices. */
export interface MatMulDescriptor {
  a: number;
  b: number;
  c: number;
  batches: number;
  m: number;
  n: number;
  k: number;
  transposeA: number;
  transposeB: number;
  strideA: number;
  strideB: number;
}

/** The tensors of batchNormGrad (float32 offsets; scale -1 when absent), `size` values of x in `channels` channels. */
export interface BatchNormGradTensors {
  x: number;
  dy: number;
  mean: number;
  variance: number;
  scale: number;
  dx: number;
  dMean: number;
  dVariance: number;
  dScale: number;
  dOffset: number;
  size: number;
  channels: number;
}

/** The tensors of batchNormTraining (float32 offsets), `size` values of x in `channels` channels. */
export interface BatchNormTrainingTensors {
  x: number;
  scale: number;
  offset: number;
  out: number;
  mean: number;
  variance: number;
  size: number;
  channels: number;
}

/** The tensors of batchNormTrainingGrad (float32 offsets): dy, dMean and dVariance are the gradients of its three outputs. */
export interface BatchNormTrainingGradTensors {
  x: number;
  dy: number;
  dMean: number;
  dVariance: number;
  mean: number;
  variance: number;
  scale: number;
  dx: number;
  dScale: number;
  dOffset: number;
  size: number;
  channels: number;
}

/** The tensors of batchNormMaxPool (offsets; `at` int32 of y's shape). */
export interface BatchNormMaxPoolTensors {
  x: number;
  scale: number;
  offset: number;
  y: number;
  at: number;
  mean: number;
  variance: number;
}

/** The tensors of batchNormMaxPoolGrad: dy, dMean and dVariance are the gradients of batchNormMaxPool's outputs. */
export interface BatchNormMaxPoolGradTensors {
  x: number;
  dy: number;
  at: number;
  dMean: number;
  dVariance: number;
  mean: number;
  variance: number;
  scale: number;
  dx: number;
  dScale: number;
  dOffset: number;
}

/**
 * A convolution as the addon runs it: products over patch matrices (im2col), or Winograd's products per chunk of
 * images, one per transformed tap (36 for F(4×4, 3×3), 25 for F(3×3, 3×3)), each over the chunk's output blocks.
 */
export type ConvMethod =
  { method: 'direct' } | { method: 'patches' } | { method: 'winograd'; taps: number; tilesPerImage: number; imagesPerChunk: number };

/**
 * The addon's kernels read and write tensors in place in the wasm heap, at float32 element offsets. Each checks
 * its geometry (with overflow-checked sizes) and its tensors' bounds before touching memory, and throws a
 * RangeError for anything that does not fit.
 */
export interface NativeAddon {
  /** What this CPU runs (CPUID): the best OpenBLAS core type ('' for none of Haswell, SkylakeX, Cooperlake) and built-in kernel. */
  cpu(): CpuInfo;
  /** Loads OpenBLAS (with OPENBLAS_CORETYPE=core while it loads, when given) and makes its product the one kernels use; throws why it cannot. */
  useOpenblas(core?: string | null): { config: string; core: string };
  /** Makes the built-in product, with this micro-kernel, the one kernels use; throws a RangeError when this CPU does not run it. */
  useBuiltin(kernel: BuiltinKernel): void;
  /**
   * The loops the direct convolutions and max pooling keep blocks of channels in registers with, by vector width:
   * the widest this CPU runs unless named here (none: back to those). Returns their name; throws a RangeError for
   * loops this CPU does not run.
   */
  useChannelBlocks(loops?: ChannelBlockLoops): ChannelBlockLoops;
  /**
   * The threads (1 to 64) the built-in product may split a large product across, by whole tiles of its output, so
   * that every count gives the same bits; OpenBLAS's product stays on one thread. Throws a RangeError for other counts.
   */
  setThreads(count: number): void;
  matMul(heap: ArrayBuffer, product: MatMulDescriptor): void;
  conv2D(heap: ArrayBuffer, tensors: { x: number; filter: number; y: number }, geometry: ConvGeometry): void;
  /** conv2D with a bias (offset -1: none) and relu (activation 1) or none (0) applied to y. */
  conv2DBiasActivation(
    heap: ArrayBuffer,
    tensors: { x: number; filter: number; bias: number; y: number },
    geometry: ConvGeometry,
    activation: number,
  ): void;
  conv2DBackpropFilter(heap: ArrayBuffer, tensors: { x: number; dy: number; dw: number }, geometry: ConvGeometry): void;
  /** The filter's and bias's gradients of relu(x ⊛ filter + bias) = y from dy, for a geometry whose forward method is direct. */
  conv2DReluBackpropFilter(heap: ArrayBuffer, tensors: { x: number; dy: number; y: number; dw: number; dbias: number }, geometry: ConvGeometry): void;
  conv2DBackpropInput(heap: ArrayBuffer, tensors: { dy: number; filter: number; dx: number }, geometry: ConvGeometry): void;
  /** maxPool(relu(x ⊛ filter + bias)) = y for a direct convolution, with `at` (int32) where each pooled value's maximum lies in its image. */
  conv2DReluMaxPool(
    heap: ArrayBuffer,
    tensors: { x: number; filter: number; bias: number; y: number; at: number },
    conv: ConvGeometry,
    pool: ConvGeometry,
  ): void;
  /** The filter's and bias's gradients of conv2DReluMaxPool from its output's (dy), its output (y) and `at`. */
  conv2DReluMaxPoolBackpropFilter(
    heap: ArrayBuffer,
    tensors: { x: number; dy: number; y: number; at: number; dw: number; dbias: number },
    conv: ConvGeometry,
    pool: ConvGeometry,
  ): void;
  /** The gradient d at relu's input (the pooling's input's shape) from conv2DReluMaxPool's dy, y and `at`. */
  reluMaxPoolGrad(heap: ArrayBuffer, tensors: { dy: number; y: number; at: number; d: number }, pool: ConvGeometry): void;
  /** How conv2D and its filter gradient ("forward"), and its input gradient, run for this geometry. */
  conv2DMethods(geometry: ConvGeometry): { forward: ConvMethod; inputGradient: ConvMethod };
  /**
   * A dense layer's output while it trains: y = x·w (+ bias, when bias >= 0), then relu when `relu` is 1; each sum in
   * order over the inputs, each term fused, whichever loops and threads run it.
   */
  denseForward(
    heap: ArrayBuffer,
    tensors: { x: number; w: number; bias: number; y: number },
    shape: { batch: number; inputs: number; units: number; relu: number },
    avx512: number,
  ): void;
  /**
   * A dense layer's dx and bias gradient, with its weights w and their momentum accumulation updated in place from
   * their gradient in the same pass (momentumUpdate's arithmetic); y is read for the activation's gradient (0 linear,
   * 1 relu, 2 softmax).
   */
  denseMomentumBackward(
    heap: ArrayBuffer,
    tensors: { x: number; dy: number; y: number; w: number; accumulation: number; dx: number; dbias: number },
    shape: { batch: number; inputs: number; units: number; activation: number },
    negativeLearningRate: number,
    momentum: number,
    nesterov: number,
    avx512: number,
  ): void;
  /** average = average - (average - value)·weight in place (float32 offsets), as tfjs's batch normalization moves its averages. */
  movingAverage(heap: ArrayBuffer, average: number, value: number, size: number, weight: number): void;
  momentumUpdate(
    heap: ArrayBuffer,
    value: number,
    accumulation: number,
    gradient: number,
    size: number,
    negativeLearningRate: number,
    momentum: number,
    nesterov: number,
  ): void;
  biasActivation(heap: ArrayBuffer, y: number, bias: number, rows: number, columns: number, activation: number): void;
  maxPool(heap: ArrayBuffer, tensors: { x: number; y: number }, geometry: ConvGeometry): void;
  binary(heap: ArrayBuffer, op: number, a: number, b: number, out: number, size: number, periodA: number, periodB: number): void;
  unary(heap: ArrayBuffer, op: number, x: number, y: number, size: number, alpha: number): void;
  batchNorm(
    heap: ArrayBuffer,
    x: number,
    mean: number,
    variance: number,
    offset: number,
    scale: number,
    out: number,
    size: number,
    channels: number,
    epsilon: number,
  ): void;
  batchNormGrad(heap: ArrayBuffer, tensors: BatchNormGradTensors, epsilon: number): void;
  batchNormTraining(heap: ArrayBuffer, tensors: BatchNormTrainingTensors, epsilon: number): void;
  batchNormTrainingGrad(heap: ArrayBuffer, tensors: BatchNormTrainingGradTensors, epsilon: number): void;
  /** loss = -mean over rows of Σ target·log(clip(predicted, epsilon, 1 - epsilon)) (float32 offsets). */
  categoricalCrossentropy(
    heap: ArrayBuffer,
    tensors: { target: number; predicted: number; loss: number },
    rows: number,
    classes: number,
    epsilon: number,
  ): void;
  /** The gradients of categoricalCrossentropy's loss (its gradient dy) with respect to target and predicted. */
  categoricalCrossentropyGrad(
    heap: ArrayBuffer,
    tensors: { target: number; predicted: number; dy: number; dTarget: number; dPredicted: number },
    rows: number,
    classes: number,
    epsilon: number,
  ): void;
  /** batchNormMaxPool of relu(x ⊛ filter + bias) = activations (which it writes), for a direct convolution. */
  conv2DReluBatchNormMaxPool(
    heap: ArrayBuffer,
    tensors: Record<'x' | 'filter' | 'bias' | 'scale' | 'offset' | 'activations' | 'at' | 'y' | 'mean' | 'variance', number>,
    conv: ConvGeometry,
    pool: ConvGeometry,
    epsilon: number,
  ): void;
  /** The filter's, bias's, scale's and offset's gradients of conv2DReluBatchNormMaxPool from its outputs' (dy, dMean, dVariance). */
  conv2DReluBatchNormMaxPoolBackpropFilter(
    heap: ArrayBuffer,
    tensors: Record<
      'x' | 'activations' | 'dy' | 'at' | 'dMean' | 'dVariance' | 'mean' | 'variance' | 'scale' | 'dw' | 'dbias' | 'dScale' | 'dOffset',
      number
    >,
    conv: ConvGeometry,
    pool: ConvGeometry,
    epsilon: number,
  ): void;
  /** Batch normalization with the batch's statistics, then max pooling, from x to the pooled y (windows that do not overlap backwards). */
  batchNormMaxPool(heap: ArrayBuffer, tensors: BatchNormMaxPoolTensors, pool: ConvGeometry, epsilon: number): void;
  batchNormMaxPoolGrad(heap: ArrayBuffer, tensors: BatchNormMaxPoolGradTensors, pool: ConvGeometry, epsilon: number): void;
  reluGrad(heap: ArrayBuffer, dy: number, x: number, dx: number, size: number): void;
  reluBiasGrad(heap: ArrayBuffer, dy: number, y: number, dx: number, dbias: number, rows: number, columns: number): void;
  sumRows(heap: ArrayBuffer, x: number, out: number, rows: number, columns: number, mean: number): void;
  maxPoolGrad(heap: ArrayBuffer, tensors: { x: number; dy: number; dx: number; dyHeight: number; dyWidth: number }, geometry: ConvGeometry): void;
}

export type AddonLoad = { addon: NativeAddon } | { reason: string };

// From dist/src/backend/native to the package's root. PIPELINE_NATIVE_ADDON names another build of the addon (the
// sanitizer build of `npm run test:sanitize`).
const ADDON_PATH =
  process.env.PIPELINE_NATIVE_ADDON ?? path.join(__dirname, '..', '..', '..', '..', 'native', 'build', 'Release', 'pipeline_native.node');

let loaded: AddonLoad | undefined;

export function loadNativeAddon(): AddonLoad {
  if (loaded) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the addon is optional: loaded at run time, and its absence reported
    const addon = require(ADDON_PATH) as NativeAddon;
    loaded = { addon };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    loaded = {
      reason:
        code === 'MODULE_NOT_FOUND' ? 'the native addon is not built (npm install builds it with node-gyp and a C compiler)' : message.split('\n')[0],
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
