// Puts a faster kernel in place of one of a wasm-based backend's own, handing the cases it does not speed up to the original.
import { getKernel, KernelConfig, KernelFunc, registerKernel, TensorInfo, unregisterKernel } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface WasmKernelArgs<Inputs, Attrs> {
  inputs: Inputs;
  backend: BackendWasm;
  attrs: Attrs;
}

export interface WasmKernelOverride {
  /** What is registered in the original's place. */
  readonly config: KernelConfig;
  /** Registers `config` in place of the backend's kernel; a no-op once done, or when the backend has no such kernel. */
  install(): void;
}

type FastKernel<Inputs, Attrs> = (args: WasmKernelArgs<Inputs, Attrs>, original: (args: WasmKernelArgs<Inputs, Attrs>) => TensorInfo) => TensorInfo;

/** `fast` gets the kernel's arguments and the original kernel, to call for whatever it does not handle itself. */
export function overrideWasmKernel<Inputs, Attrs>(kernelName: string, fast: FastKernel<Inputs, Attrs>): WasmKernelOverride {
  return overrideKernel('wasm', kernelName, fast);
}

/** The same for another backend built on BackendWasm (the native backend). */
export function overrideKernel<Inputs, Attrs>(backendName: string, kernelName: string, fast: FastKernel<Inputs, Attrs>): WasmKernelOverride {
  // Set by install(), the only way `config` gets registered.
  let original: KernelConfig | undefined;
  const runOriginal = (args: WasmKernelArgs<Inputs, Attrs>) => original!.kernelFunc(args as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  const config: KernelConfig = {
    kernelName,
    backendName,
    // The engine runs the registered kernel's setup only; the original's binds its wasm function.
    setupFunc: (backend) => original?.setupFunc?.(backend),
    kernelFunc: ((args: WasmKernelArgs<Inputs, Attrs>) => fast(args, runOriginal)) as unknown as KernelFunc,
  };
  return {
    config,
    install() {
      const current = getKernel(kernelName, backendName);
      if (current === undefined || current === config) return;
      original = current;
      unregisterKernel(kernelName, backendName);
      registerKernel(config);
    },
  };
}
