// Tensors a fused kernel fills as inputs its caller allocates (where pooled maxima lie, a layer's activations): inputs
// rather than outputs, since tfjs's tape hands every output that gets no gradient a tensor of zeros on each backward
// pass, while it keeps the inputs a gradient saves.
import { backend, DataType, engine, NamedAttrMap, NamedTensorMap, Tensor, TensorInfo, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Runs `kernel` with `inputs` and, as further inputs, uninitialized tensors of the shapes and types `filled` names, which the kernel writes whole. */
export function runFilling<T extends Tensor | Tensor[]>(
  kernel: string,
  inputs: NamedTensorMap,
  filled: Record<string, readonly [number[], DataType]>,
  attrs: NamedAttrMap,
): T {
  const wasm = backend() as BackendWasm;
  const made = Object.entries(filled).map(
    ([name, [shape, dtype]]) => [name, engine().makeTensorFromTensorInfo(wasm.makeOutput(shape, dtype))] as const,
  );
  try {
    return engine().runKernel<T>(kernel, { ...inputs, ...Object.fromEntries(made) }, attrs);
  } finally {
    for (const [, tensor] of made) tensor.dispose();
  }
}

/** Throws unless the input `name` of `kernel` is `dtype` of `shape`. */
export function expectFilled(kernel: string, name: string, tensor: TensorInfo, shape: number[], dtype: DataType): void {
  if (!util.arraysEqual(tensor.shape, shape) || tensor.dtype !== dtype)
    throw new Error(`${kernel}: ${name} must be ${dtype} of shape [${shape.join(', ')}], got ${tensor.dtype} [${tensor.shape.join(', ')}]`);
}
