/** `pipeline profile <config>`: trains a few steps of the experiment's model and prints the kernels that take the time. */
import type { CommandModule } from 'yargs';

interface ProfileArgs {
  config: string;
  set: string[];
  steps: number;
  top: number;
  threads: number;
}

const WARMUP_STEPS = 5;

export const profileCommand: CommandModule<object, ProfileArgs> = {
  command: 'profile <config>',
  describe: 'Time a few training steps and list the slowest kernels.',
  builder: (y) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment name or path.' })
      .option('set', { type: 'string', array: true, default: [] as string[], describe: 'Override a value before profiling.' })
      .option('steps', { type: 'number', default: 20, describe: 'Training steps to profile (after 5 warm-up steps).' })
      .option('top', { type: 'number', default: 15, describe: 'How many kernels to list.' })
      .option('threads', {
        type: 'number',
        default: 1,
        describe: 'Threads the native kernels share their work over, as a fold training alone or a model fit in the run process gets them.',
      }),
  async handler(args) {
    const { loadExperiment } = await import('../../config/load');
    const { selectBackend } = await import('../../backend/select');
    const { profileKernels } = await import('../../backend/kernel-profile');
    const { RunContext } = await import('../../pipeline/run-context');
    const { RunFolder } = await import('../../pipeline/run-folder');
    const { trialTraining } = await import('../../pipeline/trial-training');
    const { spec, file } = await loadExperiment(args.config, args.set);
    const context = new RunContext(spec, file, RunFolder.open('profile'), await selectBackend(spec.runtime.backend, { blas: spec.runtime.blas }));
    const { batchSize } = spec.training;
    const { setKernelThreads } = await import('../../backend/native/kernel-threads');
    setKernelThreads(context.backend.blas, args.threads, 'as --threads asks');
    const trial = trialTraining(context, 'profile');
    await trial.train(WARMUP_STEPS * batchSize);
    const started = Date.now();
    const kernels = await profileKernels(() => trial.train(args.steps * batchSize));
    const wallMs = Date.now() - started;
    trial.dispose();
    const total = kernels.reduce((s, k) => s + k.ms, 0);
    const shown = kernels.slice(0, args.top);
    const width = Math.max('kernel'.length, ...shown.map((k) => k.kernel.length));
    const rows = shown.map(
      (k) =>
        `${k.kernel.padEnd(width)} ${String(k.calls).padStart(7)} ${(k.ms / args.steps).toFixed(2).padStart(9)} ${((100 * k.ms) / total).toFixed(1).padStart(6)}%`,
    );
    process.stdout.write(
      [
        `${args.steps} steps of batch ${batchSize} on ${context.backend.name}: ${(wallMs / args.steps).toFixed(1)} ms/step wall (profiling adds overhead), ${(total / args.steps).toFixed(1)} ms/step in kernels`,
        `${'kernel'.padEnd(width)} ${'calls'.padStart(7)} ${'ms/step'.padStart(9)} ${'share'.padStart(7)}`,
        ...rows,
        '',
      ].join('\n'),
    );
  },
};
