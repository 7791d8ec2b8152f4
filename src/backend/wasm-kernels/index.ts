// Registers the kernels that the tfjs wasm backend lacks for training.
import { getKernel, KernelConfig, registerKernel } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';

export const wasmTrainingKernels: readonly KernelConfig[] = [conv2DBackpropFilterConfig];

export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    // registerKernel warns and overwrites on a duplicate; keep whatever is there (ours, or a future tfjs's own).
    if (getKernel(config.kernelName, config.backendName) === undefined) {
      registerKernel(config);
    }
  }
}
