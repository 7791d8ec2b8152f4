/** Entry point of a fold-training worker process: trains the folds the run process sends, reports back over IPC. */
import { selectBackend } from '../backend/select';
import { ConfigError, InterruptedError } from '../errors';
import { forwardLogs } from '../log';
import { trainFold } from './fold-training';
import type { ParentMessage, WorkerMessage } from './fold-worker-protocol';
import { RunContext } from './run-context';
import { RunFolder } from './run-folder';

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

let context: RunContext | undefined;

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'init': {
      forwardLogs((level, text) => send({ type: 'log', level, message: text }));
      const backend = await selectBackend(message.spec.runtime.backend, { quiet: true, blas: message.spec.runtime.blas });
      context = new RunContext(message.spec, message.configFile, RunFolder.open(message.runDir), backend);
      send({ type: 'ready' });
      break;
    }
    case 'train': {
      if (!context) throw new Error('train before init');
      try {
        const { model, ...result } = await trainFold(context, message.fold, {
          onEpoch: (fold, record) => send({ type: 'epoch', fold, record }),
          onProgress: (fold, done, total, imagesPerSecond) => send({ type: 'progress', fold, done, total, imagesPerSecond }),
        });
        const weights = model!.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
        model!.dispose();
        send({ type: 'done', result, weights });
      } catch (error) {
        if (!(error instanceof InterruptedError)) throw error;
        send({ type: 'interrupted', fold: message.fold });
      }
      break;
    }
    case 'stop':
      context?.requestStop();
      break;
    case 'exit':
      process.disconnect?.();
      break;
  }
}

// Ctrl-C reaches the whole process group: the run process decides, this one only stops at a step boundary.
process.on('SIGINT', () => context?.requestStop());
process.on('SIGTERM', () => context?.requestStop());
// The run process is gone (killed): checkpoint at the next step and end, rather than train on for nobody.
process.on('disconnect', () => context?.requestStop());

process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) => {
    send({ type: 'error', kind: error instanceof ConfigError ? 'config' : 'run', message: (error as Error).message });
    process.exitCode = 1;
    process.disconnect?.();
  });
});
