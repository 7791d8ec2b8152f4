/**
 * `npm run bench -- --threads`: whether lending idle cores and balancing the rounds pay. Times the baseline's
 * products with the built-in product on one thread and on two, each model's whole training steps with the product
 * `auto` picks, and a study whose folds do not divide evenly over the slots three ways (balanced rounds, a last fold
 * alone with the lent core, a last fold alone on one thread), back to back and in rotating order, so all see the
 * same load.
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
  model: string;
  /** The matrix product the steps ran with. */
  blas: string;
  batchSize: number;
  imagesPerRound: number;
  /** Wall milliseconds per step in each round, and the process's CPU milliseconds per step (both threads counted). */
  oneThread: { wallMs: number[]; cpuMs: number[] };
  twoThreads: { wallMs: number[]; cpuMs: number[] };
  /** The median over rounds of one thread's wall time over two threads'. */
  medianSpeedup: number;
}

export interface ProductThreadTiming {
  product: string;
  /** m, n, k. */
  shape: [number, number, number];
  /** The fastest call of each, in microseconds: the machine is shared, and the fastest is the one least disturbed. */
  oneThreadUs: number;
  twoThreadsUs: number;
}

export interface StudyThreadTiming {
  config: string;
  sets: string[];
  /** Wall seconds of each repetition, per variant. */
  seconds: Record<StudyVariant, number[]>;
}

type StudyVariant = 'balanced rounds' | 'lent cores' | 'one thread per fold';

// The baseline's products in one training step (batch 32) as the native backend runs them: [what, m, n, k, Aᵀ, Bᵀ].
const BASELINE_PRODUCTS: [string, number, number, number, number, number][] = [
  ['conv2d forward', 21632, 32, 9, 0, 0],
  ['conv2d filter gradient', 9, 32, 21632, 1, 0],
  ['dense 5408→100 forward', 32, 100, 5408, 0, 0],
  ['dense weight gradient', 5408, 100, 32, 1, 0],
  ['dense input gradient', 32, 5408, 100, 0, 1],
];

/** Each of the baseline's products on 1 and 2 threads, `rounds` alternating blocks of 10 calls each. */
export async function timeProductThreads(rounds: number): Promise<ProductThreadTiming[]> {
  await selectBackend('native', { quiet: true, blas: 'builtin' });
  const addon = nativeAddon();
  return BASELINE_PRODUCTS.map(([product, m, n, k, transposeA, transposeB]) => {
    const heap = new Float32Array(m * k + k * n + m * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const d = { a: 0, b: m * k, c: m * k + k * n, batches: 1, m, n, k, transposeA, transposeB, strideA: 0, strideB: 0 };
    const fastest = { 1: Infinity, 2: Infinity };
    for (let round = 0; round < rounds; round++) {
      for (const threads of [1, 2] as const) {
        addon.setThreads(threads);
        const started = process.hrtime.bigint();
        for (let call = 0; call < 10; call++) addon.matMul(heap.buffer, d);
        fastest[threads] = Math.min(fastest[threads], Number(process.hrtime.bigint() - started) / 1e4);
      }
    }
    addon.setThreads(1);
    return { product, shape: [m, n, k] as [number, number, number], oneThreadUs: round2(fastest[1]), twoThreadsUs: round2(fastest[2]) };
  });
}

/** Trains `model` for `rounds` pairs of passes over `images` images, one thread against two (ABBA order). */
export async function timeStepThreads(model: string, images: number, rounds: number): Promise<StepThreadTiming> {
  const { spec, file } = await loadExperiment(model);
  const info = await selectBackend('native', { quiet: true, blas: spec.runtime.blas });
  const trial = trialTraining(new RunContext(spec, file, RunFolder.open('bench'), info), 'bench');
  const steps = images / spec.training.batchSize;
  const timing: StepThreadTiming = {
    model,
    blas: info.blas ? `${info.blas.library} ${info.blas.kernels}` : info.name,
    batchSize: spec.training.batchSize,
    imagesPerRound: images,
    oneThread: { wallMs: [], cpuMs: [] },
    twoThreads: { wallMs: [], cpuMs: [] },
    medianSpeedup: 0,
  };
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
  const variants: [StudyVariant, { lend: boolean; balance: boolean }][] = [
    ['balanced rounds', { lend: true, balance: true }],
    ['lent cores', { lend: true, balance: false }],
    ['one thread per fold', { lend: false, balance: false }],
  ];
  const seconds = Object.fromEntries(variants.map(([name]) => [name, [] as number[]])) as Record<StudyVariant, number[]>;
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let i = 0; i < variants.length; i++) {
      const [name, options] = variants[(i + repeat) % variants.length];
      const loaded = await loadExperiment(config, sets);
      const scheduler = new LocalScheduler(2, options);
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

export function threadTable(products: ProductThreadTiming[], steps: StepThreadTiming[], study: StudyThreadTiming): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines = [
    `${cpu}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end`,
    '',
    "the baseline's products, built-in product, fastest of the blocks of 10 calls:",
    '| product | m×n×k | 1 thread µs | 2 threads µs | speed-up |',
    '|---|---|---|---|---|',
    ...products.map(
      (p) => `| ${p.product} | ${p.shape.join('×')} | ${p.oneThreadUs} | ${p.twoThreadsUs} | ${round2(p.oneThreadUs / p.twoThreadsUs)}× |`,
    ),
    '',
    ...steps.flatMap((s) => [
      `${s.model} training step (batch ${s.batchSize}), ${s.blas}, ${s.oneThread.wallMs.length} rounds of ${s.imagesPerRound} images:`,
      `| threads | wall ms/step (median) | fastest round | each round | CPU ms/step (median) |`,
      `|---|---|---|---|---|`,
      `| 1 | ${median(s.oneThread.wallMs)} | ${Math.min(...s.oneThread.wallMs)} | ${s.oneThread.wallMs.join(' ')} | ${median(s.oneThread.cpuMs)} |`,
      `| 2 | ${median(s.twoThreads.wallMs)} | ${Math.min(...s.twoThreads.wallMs)} | ${s.twoThreads.wallMs.join(' ')} | ${median(s.twoThreads.cpuMs)} |`,
      `median speed-up of 2 threads, round by round: ${s.medianSpeedup}×`,
      '',
    ]),
    `${study.config} ${study.sets.join(' ')} on 2 slots (3 folds: balanced, all at once; else the 3rd alone), wall seconds:`,
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
