// Registers the kernels that the tfjs wasm backend lacks for training, and faster ones in place of some of its own.
import { getKernel, KernelConfig, registerKernel } from '@tensorflow/tfjs-core';
import { batchMatMulOverride } from './batch-mat-mul';
import { castOverride } from './cast';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputOverride } from './conv2d-backprop-input';
import { identityOverride } from './identity';
import { WasmKernelOverride } from './kernel-override';
import { maxPoolGradOverride } from './max-pool-grad';
import { sumOverride } from './sum';
import { tileOverride } from './tile';

export const wasmTrainingKernels: readonly KernelConfig[] = [conv2DBackpropFilterConfig];

export const wasmKernelOverrides: readonly WasmKernelOverride[] = [
  batchMatMulOverride,
  castOverride,
  conv2DBackpropInputOverride,
  identityOverride,
  maxPoolGradOverride,
  sumOverride,
  tileOverride,
];

export function registerWasmTrainingKernels(): void {
  for (const config of wasmTrainingKernels) {
    // registerKernel warns and overwrites on a duplicate; keep whatever is there (ours, or a future tfjs's own).
    if (getKernel(config.kernelName, config.backendName) === undefined) {
      registerKernel(config);
    }
  }
  for (const override of wasmKernelOverrides) override.install();
}
