// The native backend: the tfjs wasm backend (tensors in its heap, its kernels and ours) with the kernels a training
// step spends its time in (matrix products and convolutions through OpenBLAS or the built-in product, pooling, elementwise ops, reductions,
// batch normalization and its gradients, relu's gradient, the momentum update) run as native code over that heap.
import { findBackendFactory, getKernelsForBackend, registerBackend, registerKernel } from '@tensorflow/tfjs-core';
import { registerWasmTrainingKernels } from '../wasm-kernels';
import { WasmKernelOverride } from '../wasm-kernels/kernel-override';
import type { BlasName } from '../../config/backend-names';
import { ChannelBlockLoops, loadNativeAddon } from './addon';
import { BlasSelection, selectBlas } from './blas-choice';
import { nativeBatchNorm, nativeBatchNormGradKernel, registerBatchNormGradient } from './batch-norm';
import { registerBatchNormMaxPool } from './batch-norm-max-pool';
import { registerBatchNormTraining } from './batch-norm-training';
import { NATIVE_BACKEND } from './backend-name';
import { registerCategoricalCrossentropy } from './cross-entropy';
import { nativeConv2D, nativeConv2DBackpropFilter, nativeConv2DBackpropInput } from './conv2d';
import { registerConv2DRelu } from './conv2d-relu';
import { registerConv2DReluBatchNormMaxPool } from './conv2d-relu-batch-norm-max-pool';
import { registerConv2DReluMaxPool } from './conv2d-relu-max-pool';
import { registerDenseForward } from './dense-forward';
import { registerDenseMomentum } from './dense-momentum';
import { nativeAdd, nativeMultiply, nativeRealDiv, nativeRelu, nativeSquaredDifference, nativeStep, nativeSub } from './elementwise';
import { nativeFusedConv2D, nativeFusedMatMul } from './fused';
import { nativeMatMul } from './mat-mul';
import { nativeMaxPool, nativeMaxPoolGrad } from './pooling';
import { nativeReluGradKernel, registerReluGradient } from './relu-gradient';
import { nativeMean, nativeSum } from './sum';
import { registerTopClassMatches } from './top-class-matches';

export { NATIVE_BACKEND };

export const nativeKernels: readonly WasmKernelOverride[] = [
  nativeAdd,
  nativeBatchNorm,
  nativeConv2D,
  nativeConv2DBackpropFilter,
  nativeConv2DBackpropInput,
  nativeFusedConv2D,
  nativeFusedMatMul,
  nativeMatMul,
  nativeMaxPool,
  nativeMaxPoolGrad,
  nativeMean,
  nativeMultiply,
  nativeRealDiv,
  nativeRelu,
  nativeSquaredDifference,
  nativeStep,
  nativeSub,
  nativeSum,
];

let registered = false;

/**
 * Registers the backend under the name "native" with the matrix product `blas` selects; returns that product and the
 * direct convolutions' and max pooling's loops this CPU runs, or why the backend is unavailable.
 */
export function registerNativeBackend(blas: BlasName = 'auto'): { blas: BlasSelection; channelBlocks: ChannelBlockLoops } | { reason: string } {
  const load = loadNativeAddon();
  if (!('addon' in load)) return load;
  let selection: BlasSelection;
  try {
    selection = selectBlas(load.addon, blas);
  } catch (error) {
    return { reason: (error as Error).message };
  }
  if (!registered) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the wasm kernels must be registered before they are copied to this backend
    require('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
    for (const config of getKernelsForBackend('wasm')) registerKernel({ ...config, backendName: NATIVE_BACKEND });
    for (const kernel of nativeKernels) kernel.install();
    registerKernel(nativeReluGradKernel);
    registerReluGradient();
    registerKernel(nativeBatchNormGradKernel);
    registerBatchNormGradient();
    registerBatchNormTraining();
    registerBatchNormMaxPool();
    registerConv2DRelu();
    registerConv2DReluMaxPool();
    registerConv2DReluBatchNormMaxPool();
    registerDenseForward();
    registerDenseMomentum();
    registerCategoricalCrossentropy();
    registerTopClassMatches();
    const wasmFactory = findBackendFactory('wasm');
    // Priority below every other backend's: tfjs never picks it by itself; selectBackend does.
    registerBackend(NATIVE_BACKEND, () => wasmFactory(), -1);
    registered = true;
  }
  return { blas: selection, channelBlocks: load.addon.useChannelBlocks() };
}
