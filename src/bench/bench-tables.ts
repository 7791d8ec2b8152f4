/** The bench's Markdown tables: what `npm run bench` prints, and what README quotes. */
import type { AugmentTiming } from './augment-timing';
import type { PeerPass, PeerStudy } from './pytorch-peer';
import type { StudyTiming } from './study-timing';
import type { PassTiming } from './training-pass-timing';

export type Skipped = { skipped: string };
export interface ModelRow {
  model: string;
  ours: PassTiming | Skipped;
  peer: PeerPass | Skipped;
  /** Our training images/s over the peer's one-thread pass. */
  speedup?: number;
}
export interface KernelRow {
  label: string;
  /** The choice is made at run time: the table names what it chose. */
  chooses?: boolean;
  /** The median pass of the rounds. */
  timing: PassTiming | Skipped;
  /** Training images/s of every round's pass, lowest first. */
  rounds: number[];
  /** Training images/s as a share of the fastest choice. */
  ofBest?: number;
}
export interface StudyRow {
  model: string;
  ours: StudyTiming | Skipped;
  peer: PeerStudy | Skipped;
  /** The peer's wall time over ours. */
  speedup?: number;
}

export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const skipped = (value: object): value is Skipped => 'skipped' in value;
const thousands = (value: number) => Math.round(value).toLocaleString('en-US');

export function backendTable(backends: (PassTiming | (Skipped & { backend: string }))[]): string {
  return markdownTable([
    ['runner (baseline model)', 'train img/s', 'eval img/s', 'peak RSS MB', 'images'],
    ...backends.map((b) =>
      skipped(b)
        ? [`pipeline ${b.backend}`, `skipped: ${b.skipped}`, '', '', '']
        : [
            `pipeline ${b.backend}${b.blas ? ` (${b.blas})` : ''}`,
            thousands(b.trainImagesPerSecond),
            thousands(b.evalImagesPerSecond),
            String(Math.round(b.peakRssMB)),
            String(b.images),
          ],
    ),
  ]);
}

export function modelTable(rows: ModelRow[]): string {
  return markdownTable([
    ['model', 'pipeline train img/s', 'of its products’ bound: as run / as patch matrices', 'peak RSS MB', 'PyTorch 1 thread img/s', 'ratio'],
    ...rows.map((r) => [
      r.model,
      skipped(r.ours) ? `skipped: ${r.ours.skipped}` : thousands(r.ours.trainImagesPerSecond),
      skipped(r.ours) ? '' : boundShares(r.ours),
      skipped(r.ours) ? '' : String(Math.round(r.ours.peakRssMB)),
      skipped(r.peer) ? `skipped: ${r.peer.skipped}` : thousands(r.peer.images_per_second),
      r.speedup === undefined ? '' : `${r.speedup.toFixed(2)}×`,
    ]),
  ]);
}

function boundShares(pass: PassTiming): string {
  const of = (share?: number, bound?: number) => (share === undefined ? '' : `${Math.round(100 * share)}% of ${thousands(bound ?? 0)}`);
  const shares = [of(pass.ofProductBound, pass.productBoundImagesPerSecond), of(pass.ofPatchProductBound, pass.patchProductBoundImagesPerSecond)];
  return shares.some(Boolean) ? shares.join(' / ') : '';
}

export function kernelTable(rows: KernelRow[]): string {
  return markdownTable([
    ['matrix product (baseline model, native)', 'train img/s (median)', 'rounds', 'of the best'],
    ...rows.map((r) => [
      !skipped(r.timing) && r.chooses ? `${r.label} → ${r.timing.blas ?? ''}` : r.label,
      skipped(r.timing) ? `skipped: ${r.timing.skipped}` : thousands(r.timing.trainImagesPerSecond),
      r.rounds.map(thousands).join(' / '),
      r.ofBest === undefined ? '' : `${Math.round(100 * r.ofBest)}%`,
    ]),
  ]);
}

export function studyTable(rows: StudyRow[]): string {
  const time = (seconds: number) => `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, '0')}`;
  const accuracy = (mean: number, std: number) => `${(100 * mean).toFixed(3)}% ± ${(100 * std).toFixed(3)}`;
  return markdownTable([
    [
      'study (5 folds × 10 epochs, 60,000 images)',
      'pipeline wall',
      'pipeline accuracy',
      'peak RSS MB',
      'PyTorch (2 processes) wall',
      'PyTorch accuracy',
      'ratio',
    ],
    ...rows.map((r) => [
      r.model,
      skipped(r.ours) ? `skipped: ${r.ours.skipped}` : time(r.ours.seconds),
      skipped(r.ours) ? '' : accuracy(r.ours.mean, r.ours.stdPopulation),
      skipped(r.ours) || r.ours.peakRssMB === undefined ? '' : String(r.ours.peakRssMB),
      skipped(r.peer) ? `skipped: ${r.peer.skipped}` : time(r.peer.seconds),
      skipped(r.peer) ? '' : accuracy(r.peer.mean, r.peer.std_population),
      r.speedup === undefined ? '' : `${r.speedup.toFixed(2)}×`,
    ]),
  ]);
}

export function augmentLine(timing: AugmentTiming): string {
  return `augment stage alone (batches of ${timing.batchSize}, no model, per CPU second): ${thousands(timing.augmentedImagesPerSecond)} img/s augmented, ${thousands(timing.plainImagesPerSecond)} img/s plain`;
}
