// Identity for the tfjs wasm backend: shares the input's memory, as the cpu backend does, where wasm copies it.
import { Identity, TensorInfo } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';

// Tensor memory is never written after its kernel returns, so sharing is safe; the engine calls Identity for every
// tensor it keeps for a gradient, three whole conv activations per training step of the seed model.
export const identityOverride = overrideWasmKernel<{ x: TensorInfo }, Record<string, never>>(Identity, (args, original) => {
  const { inputs, backend } = args;
  const { x } = inputs;
  if (x.dtype === 'string') return original(args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
});
