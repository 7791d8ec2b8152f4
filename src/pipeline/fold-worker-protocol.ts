/** Messages between the run process and its fold-training workers. */
import type { ExperimentSpec } from '../config/experiment-spec';
import type { FoldResult } from './run-context';
import type { EpochRecord } from './trainer';

export type ParentMessage =
  | { type: 'init'; spec: ExperimentSpec; configFile: string; runDir: string }
  | { type: 'train'; fold: number }
  | { type: 'stop' }
  | { type: 'exit' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'log'; level: string; message: string }
  | { type: 'epoch'; fold: number; record: EpochRecord }
  | { type: 'progress'; fold: number; done: number; total: number; imagesPerSecond: number }
  | { type: 'done'; result: Omit<FoldResult, 'model'>; weights: { shape: number[]; values: Float32Array }[] }
  | { type: 'interrupted'; fold: number }
  | { type: 'error'; kind: 'config' | 'run'; message: string };
