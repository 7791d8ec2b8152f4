/**
 * `npm run bench -- --threads`: whether lending idle cores pays. Times the baseline model's training steps with the
 * built-in product on one thread and on two, and a study whose last fold trains alone with and without the lent
 * core (and as auto runs it), each pair back to back and in alternating order, so both sides see the same load.
 */
import * as os from 'os';
import * as path from 'path';
import { nativeAddon } from '../backend/native/addon';
import { selectBackend } from '../backend/select';
import { loadExperiment } from '../config/load';
import { RunContext } from '../pipeline/run-context';
import { RunFolder } from '../pipeline/run-folder';
import { runExperiment } from '../pipeline/runner';
import { LocalScheduler } from '../pipeline/scheduling/local-scheduler';
import { trialTraining } from '../pipeline/trial-training';

export interface StepThreadTiming {
  batchSize: number;
  imagesPerRound: number;
  /** Wall milliseconds per step in each round, and the process's CPU milliseconds per step (both threads counted). */
  oneThread: { wallMs: number[]; cpuMs: number[] };
  twoThreads: { wallMs: number[]; cpuMs: number[] };
  /** The median over rounds of one thread's wall time over two threads'. */
  medianSpeedup: number;
}

export interface StudyThreadTiming {
  config: string;
  sets: string[];
  /** Wall seconds of each repetition, per variant. */
  seconds: Record<StudyVariant, number[]>;
}

type StudyVariant = 'builtin, lent cores' | 'builtin, one thread per fold' | 'auto, one thread per fold';

/** Trains the baseline for `rounds` pairs of passes over `images` images, one thread against two (ABBA order). */
export async function timeStepThreads(images: number, rounds: number): Promise<StepThreadTiming> {
  const { spec, file } = await loadExperiment('baseline');
  const info = await selectBackend('native', { quiet: true, blas: 'builtin' });
  const trial = trialTraining(new RunContext(spec, file, RunFolder.open('bench'), info), 'bench');
  const steps = images / spec.training.batchSize;
  const timing: StepThreadTiming = { batchSize: spec.training.batchSize, imagesPerRound: images, oneThread: { wallMs: [], cpuMs: [] }, twoThreads: { wallMs: [], cpuMs: [] }, medianSpeedup: 0 };
  await trial.train(Math.min(images, 1024));
  for (let round = 0; round < rounds; round++) {
    for (const threads of round % 2 === 0 ? [1, 2] : [2, 1]) {
      nativeAddon().setThreads(threads);
      const cpu = process.cpuUsage();
      const started = process.hrtime.bigint();
      await trial.train(images);
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const used = process.cpuUsage(cpu);
      const side = threads === 1 ? timing.oneThread : timing.twoThreads;
      side.wallMs.push(round2(wall / steps));
      side.cpuMs.push(round2((used.user + used.system) / 1000 / steps));
    }
  }
  nativeAddon().setThreads(1);
  trial.dispose();
  timing.medianSpeedup = round2(median(timing.oneThread.wallMs.map((one, i) => one / timing.twoThreads.wallMs[i])));
  return timing;
}

/** Runs `config` (with `sets`) on a pool of 2 slots, `repeats` times per variant, variants in rotating order. */
export async function timeStudyThreads(config: string, sets: string[], repeats: number, dir: string): Promise<StudyThreadTiming> {
  const variants: [StudyVariant, string, boolean][] = [
    ['builtin, lent cores', 'builtin', true],
    ['builtin, one thread per fold', 'builtin', false],
    ['auto, one thread per fold', 'auto', false],
  ];
  const seconds = Object.fromEntries(variants.map(([name]) => [name, [] as number[]])) as Record<StudyVariant, number[]>;
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let i = 0; i < variants.length; i++) {
      const [name, blas, lend] = variants[(i + repeat) % variants.length];
      const loaded = await loadExperiment(config, [...sets, `runtime.blas=${blas}`]);
      const scheduler = new LocalScheduler(2, { lend });
      const started = process.hrtime.bigint();
      try {
        await runExperiment(loaded, { experimentsDir: path.join(dir, 'experiments'), scheduler });
      } finally {
        await scheduler.close();
      }
      seconds[name].push(round2(Number(process.hrtime.bigint() - started) / 1e9));
    }
  }
  return { config, sets, seconds };
}

export function threadTable(steps: StepThreadTiming, study: StudyThreadTiming): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `${cpu}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end`,
    '',
    `baseline training step (batch ${steps.batchSize}), built-in product, ${steps.oneThread.wallMs.length} rounds of ${steps.imagesPerRound} images:`,
    `| threads | wall ms/step (median) | each round | CPU ms/step (median) |`,
    `|---|---|---|---|`,
    `| 1 | ${median(steps.oneThread.wallMs)} | ${steps.oneThread.wallMs.join(' ')} | ${median(steps.oneThread.cpuMs)} |`,
    `| 2 | ${median(steps.twoThreads.wallMs)} | ${steps.twoThreads.wallMs.join(' ')} | ${median(steps.twoThreads.cpuMs)} |`,
    `median speed-up of 2 threads, round by round: ${steps.medianSpeedup}×`,
    '',
    `${study.config} ${study.sets.join(' ')} on 2 slots, wall seconds:`,
    `| variant | median | each run |`,
    `|---|---|---|`,
    ...Object.entries(study.seconds).map(([name, runs]) => `| ${name} | ${median(runs)} | ${runs.join(' ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return round2(sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
