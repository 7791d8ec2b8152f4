/** A run's folder under experiments/<name>/<runId>/ and its status file. */
import { randomBytes } from 'crypto';
import { promises as fs, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RunError } from '../errors';
import type { RunFiles } from '../registry/steps/step-context';
import { describeFsError, writeFileAtomic, writeFolderAtomic, writeJsonAtomic } from '../atomic-write';

export const EXPERIMENTS_DIR = 'experiments';

export type RunState = 'running' | 'complete' | 'failed' | 'interrupted';

export interface RunStatus {
  state: RunState;
  runId: string;
  experiment: string;
  startedAt: string;
  updatedAt: string;
  pid: number;
  host: string;
  reason?: string;
}

export class RunFolder implements RunFiles {
  private constructor(
    readonly experiment: string,
    readonly runId: string,
    readonly dir: string,
    private readonly startedAt: Date,
  ) {}

  /** Creates a fresh folder; the random suffix keeps concurrent runs of one experiment apart. */
  static async create(experimentsDir: string, experiment: string, now = new Date()): Promise<RunFolder> {
    const parent = path.resolve(experimentsDir, experiment);
    try {
      await fs.mkdir(parent, { recursive: true });
    } catch (error) {
      throw new RunError(`Cannot create the experiment folder ${parent}: ${describeFsError(error)}.`);
    }
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    for (let attempt = 0; ; attempt++) {
      const runId = `${stamp}-${randomBytes(2).toString('hex')}`;
      const dir = path.join(parent, runId);
      try {
        await fs.mkdir(dir);
        return new RunFolder(experiment, runId, dir, now);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) {
          throw new RunError(`Cannot create the run folder ${dir}: ${describeFsError(error)}.`);
        }
      }
    }
  }

  /** A handle on an existing run folder (as a worker process gets it). */
  static open(dir: string): RunFolder {
    return new RunFolder(path.basename(path.dirname(dir)), path.basename(dir), dir, new Date());
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  writeFile(name: string, content: string | Uint8Array): Promise<void> {
    return writeFileAtomic(this.file(name), content);
  }

  writeJson(name: string, value: unknown): Promise<void> {
    return writeJsonAtomic(this.file(name), value);
  }

  writeFiles(name: string, files: [string, string | Uint8Array][]): Promise<void> {
    return writeFolderAtomic(this.file(name), files);
  }

  async setStatus(state: RunState, reason?: string): Promise<void> {
    const status = this.status(state, reason);
    try {
      await writeJsonAtomic(this.file('status.json'), status);
    } catch (error) {
      // On a full disk the temp file cannot be made, but overwriting in place reuses the file's own space.
      if (state === 'running') throw error;
      await fs.writeFile(this.file('status.json'), `${JSON.stringify(status, null, 2)}\n`);
    }
  }

  /** For a process about to exit at once (a second Ctrl-C): there is no later moment to await a write. */
  setStatusNow(state: RunState, reason?: string): void {
    writeFileSync(this.file('status.json'), `${JSON.stringify(this.status(state, reason), null, 2)}\n`);
  }

  private status(state: RunState, reason?: string): RunStatus {
    return {
      state,
      runId: this.runId,
      experiment: this.experiment,
      startedAt: this.startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      pid: process.pid,
      host: os.hostname(),
      ...(reason ? { reason } : {}),
    };
  }
}
