/** Messages between a run (or sweep) process and the fold-training processes of its local pool. */
import type { EpochProgress, EpochRecord } from '../trainer';
import type { FoldJob, FoldOutcome } from './fold-scheduler';

export type PoolRequest =
  | { type: 'train'; job: FoldJob }
  | { type: 'stop' }
  /** Cores this process may use for the fold under way: more than one only when others sit idle. */
  | { type: 'threads'; count: number }
  | { type: 'exit' };

export type PoolReply =
  | { type: 'ready' }
  | { type: 'log'; level: string; message: string }
  | { type: 'epoch'; record: EpochRecord }
  | { type: 'progress'; progress: EpochProgress }
  | ({ type: 'done' } & FoldOutcome)
  | { type: 'interrupted'; reason: string }
  | { type: 'error'; kind: 'config' | 'run'; message: string };
