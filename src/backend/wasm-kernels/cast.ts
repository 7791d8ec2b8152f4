// Cast for the tfjs wasm backend: a cast to the tensor's own dtype shares its memory, as on the cpu backend, instead of copying.
import { Cast, CastAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { overrideWasmKernel } from './kernel-override';

// relu's gradient casts a float32 step to float32 on every training step.
export const castOverride = overrideWasmKernel<{ x: TensorInfo }, CastAttrs>(Cast, (args, original) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  if (x.dtype !== attrs.dtype || x.dtype === 'string') return original(args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
});
