/** What a run folder says about a run under way: its state (status.json) and the epochs finished so far (log.jsonl). */
import { promises as fs } from 'fs';
import * as path from 'path';
import { currentState } from '../pipeline/run-index';
import type { RunState, RunStatus } from '../pipeline/run-folder';
import type { EpochRecord } from '../pipeline/trainer';

export interface FoldProgress {
  fold: number;
  /** Epochs the fold will train. */
  epochs: number;
  history: EpochRecord[];
}

export interface RunProgress {
  state: RunState | 'unknown';
  reason?: string;
  startedAt?: string;
  folds: FoldProgress[];
  hasReport: boolean;
}

/** The epoch lines of log.jsonl carry their record (see the train step's progress logger). */
interface EpochLine {
  event: 'epoch';
  fold: number;
  epochs: number;
  record: EpochRecord;
}

/** Reads log.jsonl from where the previous read stopped, so a watcher pays only for new lines. */
export class RunProgressReader {
  private offset = 0;
  private partial = '';
  private readonly folds = new Map<number, FoldProgress>();

  constructor(readonly dir: string) {}

  async read(): Promise<RunProgress> {
    const status = await readJson<RunStatus>(path.join(this.dir, 'status.json'));
    await this.readNewLogLines();
    const hasReport = await fs.stat(path.join(this.dir, 'report.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    return {
      state: status ? currentState(status) : 'unknown',
      ...(status?.reason ? { reason: status.reason } : {}),
      ...(status?.startedAt ? { startedAt: status.startedAt } : {}),
      folds: [...this.folds.values()].sort((a, b) => a.fold - b.fold).map((f) => ({ ...f, history: [...f.history] })),
      hasReport,
    };
  }

  private async readNewLogLines(): Promise<void> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path.join(this.dir, 'log.jsonl'), 'r');
    } catch {
      return;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) this.reset(); // the log was replaced: read it again from the start
      if (size === this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      this.offset += bytesRead;
      const lines = (this.partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.take(line);
    } finally {
      await handle.close();
    }
  }

  private take(line: string): void {
    let parsed: Partial<EpochLine>;
    try {
      parsed = JSON.parse(line) as Partial<EpochLine>;
    } catch {
      return; // a line cut by a crash: the next ones still count
    }
    if (parsed.event !== 'epoch' || typeof parsed.fold !== 'number' || !parsed.record) return;
    const fold = this.folds.get(parsed.fold) ?? { fold: parsed.fold, epochs: parsed.epochs ?? 0, history: [] };
    // A resumed run logs its epochs again from where it continued: keep one record per epoch.
    fold.history = [...fold.history.filter((r) => r.epoch < parsed.record!.epoch), parsed.record];
    this.folds.set(parsed.fold, fold);
  }

  private reset(): void {
    this.offset = 0;
    this.partial = '';
    this.folds.clear();
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
