/**
 * `npm run bench`: times the study's models (baseline, batchnorm, deeper) beside the PyTorch peer's one-thread pass,
 * the baseline on every backend and with every matrix product this CPU runs, and with `--study` the whole k-fold
 * studies beside the peer's; one child process per timing, so peak RSS is per process. Writes bench/results.json.
 * `--threads` instead times lending idle cores to the last folds (bench/threads.json).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import { selectBackend } from '../backend/select';
import type { BackendName, BlasName } from '../config/backend-names';
import { setConsoleLevel } from '../log';
import { timeAugmentation } from './augment-timing';
import { augmentLine, backendTable, KernelRow, kernelTable, ModelRow, modelTable, Skipped, StudyRow, studyTable } from './bench-tables';
import { cpuKernels, KernelChoice } from './kernel-choices';
import { PytorchPeer } from './pytorch-peer';
import { timeStudy } from './study-timing';
import { PassTiming, timeTrainingPass } from './training-pass-timing';
import { StepThreadTiming, threadTable, timeProductThreads, timeStepThreads, timeStudyThreads } from './thread-timing';

/** The pure-JS backend trains at a few dozen images per second: time it on fewer. */
const CPU_IMAGES = 256;
const STUDY = { kfold: 5, epochs: 10, workers: 2 };

async function main(): Promise<void> {
  const args = await yargs(process.argv.slice(2))
    .option('images', { type: 'number', default: 8192, describe: 'Training images per timed pass.' })
    .option('models', {
      type: 'string',
      array: true,
      default: ['baseline', 'batchnorm', 'deeper'],
      describe: 'Study configs timed on the native backend beside the peer.',
    })
    .option('backends', {
      type: 'string',
      array: true,
      default: ['tensorflow', 'native', 'wasm', 'cpu'],
      describe: 'Backends the baseline is timed on.',
    })
    .option('kernels', {
      type: 'boolean',
      default: true,
      describe: 'Time the baseline with each matrix product this CPU runs (--no-kernels to skip).',
    })
    .option('kernel-rounds', {
      type: 'number',
      default: 3,
      describe: 'Rounds of the matrix product comparison, every product once per round; each keeps its median pass.',
    })
    .option('study', {
      type: 'boolean',
      default: false,
      describe: 'Also time the whole k-fold study of each model, ours and the peer’s (minutes each).',
    })
    .option('study-models', {
      type: 'string',
      array: true,
      describe: 'With --study: the models whose whole study is timed (default: --models).',
    })
    .option('peer', { type: 'string', default: path.resolve('../shared/peers/torch_mnist.py'), describe: 'The PyTorch peer script.' })
    .option('out', { type: 'string', default: 'bench/results.json' })
    .option('threads', {
      type: 'boolean',
      default: false,
      describe:
        "Only time lending idle cores: the built-in product on 1 and 2 threads, then each of --models' steps and a study whose last fold trains alone with the product `auto` picks (bench/threads.json).",
    })
    .option('rounds', {
      type: 'number',
      default: 6,
      describe: 'With --threads: rounds of 1 against 2 threads (10 times as many for single products), and 1 study run per variant per 2 rounds.',
    })
    .option('child', { type: 'string', hidden: true })
    .option('model', { type: 'string', default: 'baseline', hidden: true })
    .option('blas', { type: 'string', default: 'auto', hidden: true })
    .strict()
    .parseAsync();
  if (args.child) {
    const timing = await timeTrainingPass(args.child as BackendName, args.model, args.images, args.blas as BlasName);
    process.stdout.write(`${JSON.stringify(timing)}\n`);
    return;
  }
  if (args.threads) return benchThreads(args.models, args.images, args.rounds);
  const kernels = cpuKernels();
  const peer = new PytorchPeer(args.peer, kernels.bestCoreType);
  if (peer.unavailable) progress(`PyTorch peer not run: ${peer.unavailable}`);

  const backends = args.backends.map((backend) => {
    const timing = child(backend as BackendName, 'baseline', backend === 'cpu' ? Math.min(CPU_IMAGES, args.images) : args.images);
    return 'skipped' in timing ? { backend, ...timing } : timing;
  });
  const models: ModelRow[] = args.models.map((model) => {
    const ours = child('native', model, args.images);
    if (!peer.unavailable) progress(`timing the PyTorch peer's ${model} (1 thread) on ${args.images} images...`);
    const peerPass = skippedIfText(peer.pass(model, 1, args.images));
    return {
      model,
      ours,
      peer: peerPass,
      ...ratio(
        'trainImagesPerSecond' in ours && 'images_per_second' in peerPass ? ours.trainImagesPerSecond / peerPass.images_per_second : undefined,
      ),
    };
  });
  const kernelRows: KernelRow[] = args.kernels ? kernelComparison(kernels.choices, args.images, args.kernelRounds) : [];
  const best = Math.max(...kernelRows.map((r) => ('trainImagesPerSecond' in r.timing ? r.timing.trainImagesPerSecond : 0)));
  for (const row of kernelRows) if ('trainImagesPerSecond' in row.timing && best > 0) row.ofBest = row.timing.trainImagesPerSecond / best;
  progress(`timing the augment stage on ${args.images} images...`);
  await selectBackend('auto', { quiet: true });
  const augmentation = timeAugmentation(args.images);
  const studies: StudyRow[] = args.study ? (args.studyModels ?? args.models).map((model) => studyRow(model, peer)) : [];

  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: kernels.cpu ?? os.cpus()[0]?.model,
      cores: os.cpus().length,
      memoryGB: Math.round(os.totalmem() / 2 ** 30),
      node: process.versions.node,
      openblasCoreTypeEnvironment: process.env.OPENBLAS_CORETYPE ?? null,
    },
    peerOpenblasCoreType: kernels.bestCoreType ?? null,
    images: args.images,
    backends,
    models,
    kernels: kernelRows,
    augmentation,
    studies,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  const sections = [
    `${results.machine.cpu}, ${results.machine.cores} cores; OPENBLAS_CORETYPE in the environment: ${results.machine.openblasCoreTypeEnvironment ?? 'none'}; the peer runs with OPENBLAS_CORETYPE=${results.peerOpenblasCoreType ?? 'its own pick'}`,
    backendTable(backends),
    modelTable(models),
    ...(kernelRows.length ? [kernelTable(kernelRows)] : []),
    ...(studies.length ? [studyTable(studies)] : []),
    augmentLine(augmentation),
    `written to ${args.out}`,
  ];
  process.stdout.write(`\n${sections.join('\n\n')}\n`);
}

/** One timed pass in a child process (its own peak RSS; the matrix product chosen at its start). */
function child(backend: BackendName, model: string, images: number, kernels?: KernelChoice): PassTiming | Skipped {
  progress(`timing ${model} on ${backend}${kernels ? ` with ${kernels.label}` : ''} (${images} images)...`);
  const env = { ...process.env };
  if (kernels?.coreType === null) delete env.OPENBLAS_CORETYPE;
  else if (kernels?.coreType) env.OPENBLAS_CORETYPE = kernels.coreType;
  const args = [__filename, '--child', backend, '--model', model, '--images', String(images), '--blas', kernels?.blas ?? 'auto'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status === 0 && line.startsWith('{')) return JSON.parse(line) as PassTiming;
  return { skipped: lastLine(run.stderr).replace(/^bench failed: /, '') || `exit code ${run.status}` };
}

/**
 * The baseline with each matrix product, in rounds that take every product once, so that a slower spell of the
 * machine falls on all of them alike; each row keeps its median pass and lists every round's figure.
 */
function kernelComparison(choices: KernelChoice[], images: number, rounds: number): KernelRow[] {
  const timings = choices.map(() => [] as (PassTiming | Skipped)[]);
  for (let round = 0; round < Math.max(1, rounds); round++)
    choices.forEach((choice, i) => timings[i].push(child('native', 'baseline', images, choice)));
  return choices.map((choice, i) => {
    const passes = timings[i].filter((t): t is PassTiming => !('skipped' in t)).sort((a, b) => a.trainImagesPerSecond - b.trainImagesPerSecond);
    const timing = passes.length ? passes[Math.floor((passes.length - 1) / 2)] : timings[i][0];
    return { label: choice.label, chooses: choice.chooses, timing, rounds: passes.map((p) => p.trainImagesPerSecond) };
  });
}

async function benchThreads(models: string[], images: number, rounds: number): Promise<void> {
  setConsoleLevel('warn');
  process.stderr.write(`timing the baseline's products on 1 and 2 threads...\n`);
  const products = await timeProductThreads(10 * rounds);
  const steps: StepThreadTiming[] = [];
  for (const model of models) {
    process.stderr.write(`timing ${model} steps on 1 and 2 threads, ${rounds} rounds of ${images} images...\n`);
    steps.push(await timeStepThreads(model, images, rounds));
  }
  const sets = ['runtime.backend=native', 'evaluation.folds=3'];
  process.stderr.write(`timing quick ${sets.join(' ')} balanced, with a lent core, and on one thread per fold...\n`);
  const study = await timeStudyThreads('quick', sets, Math.max(1, Math.round(rounds / 2)), fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-')));
  const out = 'bench/threads.json';
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverage: os.loadavg() };
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, products, steps, study }, null, 2)}\n`);
  process.stdout.write(`${threadTable(products, steps, study)}\nwritten to ${out}\n`);
}

function studyRow(model: string, peer: PytorchPeer): StudyRow {
  progress(`running the whole ${model} study (${STUDY.kfold} folds × ${STUDY.epochs} epochs)...`);
  const ours = skippedIfText(timeStudy(model));
  if (!peer.unavailable) progress(`running the PyTorch peer's ${model} study (${STUDY.workers} processes)...`);
  const theirs = skippedIfText(peer.study(model, STUDY.kfold, STUDY.epochs, STUDY.workers));
  return { model, ours, peer: theirs, ...ratio('seconds' in ours && 'seconds' in theirs ? theirs.seconds / ours.seconds : undefined) };
}

function ratio(value: number | undefined): { speedup?: number } {
  return value === undefined ? {} : { speedup: Math.round(value * 100) / 100 };
}

function skippedIfText<T>(value: T | string): T | Skipped {
  return typeof value === 'string' ? { skipped: value } : value;
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
