/**
 * Picks and starts the tfjs backend: tfjs-node when it loads, else native (wasm with its heaviest kernels in native
 * code, over OpenBLAS or the built-in matrix product) when its addon loads, else wasm (with the training kernels it
 * lacks); cpu on request.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName, BlasName } from '../config/backend-names';
import { RunError } from '../errors';
import { logger } from '../log';
import { NATIVE_BACKEND, registerNativeBackend } from './native';
import type { BlasSelection } from './native/blas-choice';
import { registerReductionGradients } from './reduction-gradients';
import { registerWasmTrainingKernels } from './wasm-kernels';

export interface BackendInfo {
  name: Exclude<BackendName, 'auto'>;
  versions: Record<string, string>;
  /** The native backend's matrix product, and why it is that one. */
  blas?: BlasSelection;
}

export interface BackendOptions {
  quiet?: boolean;
  /** runtime.blas: the native backend's matrix product. */
  blas?: BlasName;
}

export async function selectBackend(requested: BackendName, options: BackendOptions = {}): Promise<BackendInfo> {
  if (requested === 'tensorflow' || requested === 'auto') {
    const loaded = tryLoadTfjsNode();
    if (loaded === true) return activate(options, 'tensorflow', { 'tfjs-node': packageVersion('@tensorflow/tfjs-node') });
    if (requested === 'tensorflow') {
      throw new RunError(`runtime.backend is "tensorflow" but @tensorflow/tfjs-node does not load here (${loaded}). Use "auto", "native" or "wasm".`);
    }
    logger.debug(`tfjs-node not available (${loaded})`);
  }
  if (requested === 'native' || requested === 'auto') {
    const native = registerNativeBackend(options.blas);
    const wasmVersion = { 'tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm') };
    if ('blas' in native) {
      const { library, kernels, build, reason } = native.blas;
      const blas = library === 'openblas' ? `${build}, core ${kernels}` : `built-in, ${kernels} kernels`;
      logger.log(options.quiet ? 'debug' : 'info', `matrix product: ${blas} (${reason}); convolution and pooling loops: ${native.channelBlocks}`);
      return activate(options, NATIVE_BACKEND, { ...wasmVersion, blas, 'channel-block loops': native.channelBlocks }, native.blas);
    }
    const hint = native.reason.startsWith('OpenBLAS') ? ' Install it with: apt-get install libopenblas0-pthread, or set runtime.blas: builtin' : '';
    if (requested === 'native') throw new RunError(`runtime.backend is "native" but it is unavailable here: ${native.reason}.${hint}`);
    logger.log(options.quiet ? 'debug' : 'info', `native backend unavailable (${native.reason}); using wasm, several times slower.${hint}`);
  }
  if (requested === 'cpu') return activate(options, 'cpu', { 'tfjs-backend-cpu': packageVersion('@tensorflow/tfjs-backend-cpu') });
  // Loading the package registers the backend; the extra kernels make conv nets trainable on it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when wasm is the backend chosen
  require('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  return activate(options, 'wasm', { 'tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm') });
}

/** `true` when loaded, else the reason it did not. */
function tryLoadTfjsNode(): true | string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional dependency: its absence is an answer, not an error
    require('@tensorflow/tfjs-node');
    return true;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    return (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && message.includes('tfjs-node') ? 'not installed' : message;
  }
}

/** Runs that share a process (a sweep's trials) select backends at once; tfjs fails a start begun during another. */
let switching: Promise<unknown> = Promise.resolve();

async function activate(
  options: BackendOptions,
  name: BackendInfo['name'],
  versions: Record<string, string>,
  blas?: BlasSelection,
): Promise<BackendInfo> {
  // Production mode silences tfjs's console banners (such as its advice to install tfjs-node); we log the backend ourselves.
  tf.env().set('PROD', true);
  registerReductionGradients();
  const started = switching.then(() => (tf.engine().backendName === name ? true : tf.setBackend(name)));
  switching = started.catch(() => undefined);
  if (!(await started)) throw new RunError(`The ${name} backend failed to start.`);
  await tf.ready();
  const info: BackendInfo = { name, versions: { 'tfjs-core': tf.version_core, ...versions, node: process.versions.node }, ...(blas ? { blas } : {}) };
  logger.log(
    options.quiet ? 'debug' : 'info',
    `backend: ${name} (${Object.entries(info.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  return info;
}

function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a package's own package.json, found as Node resolves the package
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
