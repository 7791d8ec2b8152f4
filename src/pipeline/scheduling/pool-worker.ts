/** Entry point of a local pool process: trains the folds the run or sweep process sends, one at a time, over IPC. */
import { setKernelThreads } from '../../backend/native/kernel-threads';
import { BackendInfo, selectBackend } from '../../backend/select';
import { ConfigError, InterruptedError, RunError } from '../../errors';
import { forwardLogs } from '../../log';
import { trainFold } from '../fold-training';
import { RunContext } from '../run-context';
import { RunFolder } from '../run-folder';
import type { FoldJob } from './fold-scheduler';
import type { PoolReply, PoolRequest } from './pool-protocol';

function send(message: PoolReply): void {
  if (process.connected) process.send?.(message);
}

let backend: BackendInfo | undefined;
/** The backend and matrix product asked for when `backend` was started: a run asking for others starts them again. */
let started = '';
/** The context of the run whose fold came last: the next fold is most often of the same run, and shares its data. */
let context: { run: string; value: RunContext } | undefined;
let current: RunContext | undefined;
/** The cores the pool lets this process use for its fold: more than one only while other slots would idle. */
let threads = 1;

function applyThreads(): void {
  setKernelThreads(backend?.blas, threads, 'while the other slots idle');
}

async function contextFor(job: FoldJob): Promise<RunContext> {
  if (!backend || started !== `${job.backend} ${job.spec.runtime.blas}`) {
    backend = await selectBackend(job.backend, { quiet: true, blas: job.spec.runtime.blas });
    started = `${job.backend} ${job.spec.runtime.blas}`;
    applyThreads();
  }
  if (context?.run !== job.run) context = { run: job.run, value: new RunContext(job.spec, job.configFile, RunFolder.open(job.runDir), backend) };
  return context.value;
}

async function train(job: FoldJob): Promise<void> {
  try {
    current = await contextFor(job);
    const { model, ...result } = await trainFold(current, job.fold, {
      onEpoch: (_fold, record) => send({ type: 'epoch', record }),
      onProgress: (_fold, progress) => send({ type: 'progress', progress }),
    });
    const weights = model!.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
    model!.dispose();
    send({ type: 'done', result, weights });
  } catch (error) {
    if (error instanceof InterruptedError) {
      send({ type: 'interrupted', reason: error.message });
      return;
    }
    const known = error instanceof ConfigError || error instanceof RunError;
    send({
      type: 'error',
      kind: error instanceof ConfigError ? 'config' : 'run',
      message: known ? error.message : `Unexpected error: ${(error as Error).message}`,
    });
    // A failed training may leave tensors behind: the pool starts a fresh process for its next fold.
    process.exitCode = 1;
    process.disconnect?.();
  } finally {
    current = undefined;
  }
}

forwardLogs((level, message) => send({ type: 'log', level, message }));

process.on('message', (message: PoolRequest) => {
  switch (message.type) {
    case 'train':
      void train(message.job);
      break;
    case 'stop':
      current?.requestStop();
      break;
    case 'threads':
      threads = message.count;
      applyThreads();
      break;
    case 'exit':
      process.disconnect?.();
      break;
  }
});

// Ctrl-C reaches the whole process group: the run process decides, this one only stops at a step boundary.
process.on('SIGINT', () => current?.requestStop());
process.on('SIGTERM', () => current?.requestStop());
// The run process is gone (killed): checkpoint at the next step and end, rather than train on for nobody.
process.on('disconnect', () => current?.requestStop());

send({ type: 'ready' });
