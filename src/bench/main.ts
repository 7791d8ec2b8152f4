/**
 * `npm run bench`: times the seed model on every backend that loads here (one child process each, so peak RSS is
 * per backend), runs the PyTorch peer on the same images when Debian's python3-torch is installed, and writes
 * bench/results.json.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import yargs from 'yargs';
import type { BackendName } from '../config/experiment-spec';
import { setConsoleLevel } from '../log';
import { mnistDataDir } from '../registry/sources/mnist';
import { AugmentTiming, timeAugmentation } from './augment-timing';
import { BackendTiming, timeSeedModel } from './seed-model-timing';
import { threadTable, timeProductThreads, timeStepThreads, timeStudyThreads } from './thread-timing';

const PYTHON = '/usr/bin/python3';
/** The pure-JS backend trains at a few dozen images per second: time it on fewer. */
const CPU_IMAGES = 256;

interface PeerTiming {
  peer: string;
  version: string;
  threads: number;
  images: number;
  images_per_second: number;
}

async function main(): Promise<void> {
  const args = await yargs(process.argv.slice(2))
    .option('images', { type: 'number', default: 8192, describe: 'Training images timed per backend.' })
    .option('backends', { type: 'string', array: true, default: ['tensorflow', 'native', 'wasm', 'cpu'], describe: 'Backends to time; the first that runs is compared with PyTorch.' })
    .option('peer', { type: 'string', default: path.resolve('../shared/peers/torch_mnist.py'), describe: 'The PyTorch peer script.' })
    .option('out', { type: 'string', default: 'bench/results.json' })
    .option('threads', { type: 'boolean', default: false, describe: 'Only time lending idle cores: the built-in product on 1 and 2 threads, per step and over a study whose last fold trains alone (bench/threads.json).' })
    .option('rounds', { type: 'number', default: 6, describe: 'With --threads: rounds of 1 against 2 threads (10 times as many for single products), and 1 study run per variant per 2 rounds.' })
    .option('child', { type: 'string', hidden: true })
    .strict()
    .parseAsync();
  if (args.child) {
    process.stdout.write(`${JSON.stringify(await timeSeedModel(args.child as BackendName, args.images))}\n`);
    return;
  }
  if (args.threads) return benchThreads(args.images, args.rounds);
  const backends: (BackendTiming | { backend: string; skipped: string })[] = [];
  for (const backend of args.backends) {
    const images = backend === 'cpu' ? Math.min(CPU_IMAGES, args.images) : args.images;
    process.stderr.write(`timing ${backend} on ${images} images...\n`);
    const child = spawnSync(process.execPath, [__filename, '--child', backend, '--images', String(images)], { encoding: 'utf8' });
    const line = child.stdout.trim().split('\n').pop() ?? '';
    if (child.status === 0 && line.startsWith('{')) backends.push(JSON.parse(line) as BackendTiming);
    else backends.push({ backend, skipped: lastLine(child.stderr).replace(/^bench failed: /, '') || `exit code ${child.status}` });
  }
  process.stderr.write(`timing the augment stage on ${args.images} images...\n`);
  const augmentation = timeAugmentation(args.images);
  const peers = runPeer(args.peer, args.images);
  const timed = backends.filter((b): b is BackendTiming => 'trainImagesPerSecond' in b);
  const ours = timed[0];
  const fastestPeer = peers.reduce<PeerTiming | undefined>((best, p) => (!best || p.images_per_second > best.images_per_second ? p : best), undefined);
  const results = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGB: Math.round(os.totalmem() / 2 ** 30), node: process.versions.node },
    images: args.images,
    backends,
    augmentation,
    peers,
    ...(ours && fastestPeer ? { ratio: { backend: ours.backend, peer: `pytorch threads=${fastestPeer.threads}`, trainSpeedup: Math.round((100 * ours.trainImagesPerSecond) / fastestPeer.images_per_second) / 100 } } : {}),
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(table(results.backends, peers, results.ratio));
  process.stdout.write(augmentLine(augmentation));
  process.stdout.write(`\nwritten to ${args.out}\n`);
}

async function benchThreads(images: number, rounds: number): Promise<void> {
  setConsoleLevel('warn');
  process.stderr.write(`timing the baseline's products on 1 and 2 threads...\n`);
  const products = await timeProductThreads(10 * rounds);
  process.stderr.write(`timing baseline steps on 1 and 2 threads, ${rounds} rounds of ${images} images...\n`);
  const steps = await timeStepThreads(images, rounds);
  const sets = ['runtime.backend=native', 'runtime.blas=builtin', 'evaluation.folds=3'];
  process.stderr.write(`timing quick ${sets.join(' ')} with and without lent cores...\n`);
  const study = await timeStudyThreads('quick', sets, Math.max(1, Math.round(rounds / 2)), fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-')));
  const out = 'bench/threads.json';
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const machine = { cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadAverage: os.loadavg() };
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, products, steps, study }, null, 2)}\n`);
  process.stdout.write(`${threadTable(products, steps, study)}\nwritten to ${out}\n`);
}

/** The peer once with one thread and once with every core, as PyTorch users run it either way. */
function runPeer(script: string, images: number): PeerTiming[] {
  if (!fs.existsSync(script)) {
    process.stderr.write(`PyTorch peer not run: ${script} not found\n`);
    return [];
  }
  if (spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0) {
    process.stderr.write('PyTorch peer not run: install it with apt-get install -y python3-torch libopenblas0-pthread\n');
    return [];
  }
  const peers: PeerTiming[] = [];
  for (const threads of [...new Set([1, os.cpus().length])]) {
    process.stderr.write(`timing the PyTorch peer (threads=${threads}) on ${images} images...\n`);
    const run = spawnSync(PYTHON, [script, '--data', mnistDataDir(), '--images', String(images), '--threads', String(threads)], { encoding: 'utf8' });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    if (run.status === 0 && line.startsWith('{')) peers.push(JSON.parse(line) as PeerTiming);
    else process.stderr.write(`PyTorch peer failed: ${lastLine(run.stderr)}\n`);
  }
  return peers;
}

function table(backends: (BackendTiming | { backend: string; skipped: string })[], peers: PeerTiming[], ratio?: { backend: string; peer: string; trainSpeedup: number }): string {
  const rows = [['runner', 'train img/s', 'eval img/s', 'peak RSS MB', 'images']];
  for (const b of backends) {
    rows.push('skipped' in b ? [`pipeline ${b.backend}`, `skipped: ${b.skipped}`, '', '', ''] : [`pipeline ${b.backend}`, String(b.trainImagesPerSecond), String(b.evalImagesPerSecond), String(b.peakRssMB), String(b.images)]);
  }
  for (const p of peers) rows.push([`pytorch ${p.version} threads=${p.threads}`, String(p.images_per_second), '', '', String(p.images)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.filter((r) => r[1].length < 60).map((r) => r[c].length)));
  const lines = rows.map((r) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
  lines.splice(1, 0, `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  if (ratio) lines.push('', `${ratio.backend} / ${ratio.peer}: ${ratio.trainSpeedup}× training throughput`);
  return `${lines.join('\n')}\n`;
}

function augmentLine(timing: AugmentTiming): string {
  return `\naugment stage alone (batches of ${timing.batchSize}, no model, per CPU second): ${timing.augmentedImagesPerSecond} img/s augmented, ${timing.plainImagesPerSecond} img/s plain\n`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
