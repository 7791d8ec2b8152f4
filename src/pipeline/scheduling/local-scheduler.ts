/**
 * The embedded fold scheduler: one pool of processes, one per core (and a few more while the folds left do not
 * divide evenly over the cores: balanced-rounds.ts), that every fold of every run in this process (all of a sweep's
 * trials) goes through in the order submitted, so no core idles while folds wait.
 */
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import { ConfigError, InterruptedError, RunError } from '../../errors';
import { bindLogScope, logger } from '../../log';
import { foldsAtOnce } from './balanced-rounds';
import { FoldJob, FoldOutcome, FoldProgress, FoldScheduler, foldLabel } from './fold-scheduler';
import type { PoolReply, PoolRequest } from './pool-protocol';

interface Entry {
  job: FoldJob;
  progress: FoldProgress;
  log(level: string, message: string): void;
  resolve(outcome: FoldOutcome): void;
  reject(error: Error): void;
}

interface PoolProcess {
  child: ChildProcess;
  ready: boolean;
  entry?: Entry;
  threads: number;
}

export class LocalScheduler implements FoldScheduler {
  readonly description: string;
  private readonly waiting: Entry[] = [];
  private readonly processes: PoolProcess[] = [];
  private stopped = false;
  private atOnce: number;
  private balancedOnce = false;

  /**
   * `lend: false` keeps every fold on one thread even while slots idle, and `balance: false` trains no more folds at
   * once than there are slots (to measure what each gains).
   */
  constructor(
    readonly slots: number,
    private readonly options: { lend: boolean; balance: boolean } = { lend: true, balance: true },
  ) {
    this.atOnce = slots;
    this.description = `${slots} worker process${slots === 1 ? '' : 'es'}`;
  }

  startsAtOnce(count: number): number {
    return this.options.balance ? foldsAtOnce(this.slots, count) : Math.min(this.slots, count);
  }

  train(job: FoldJob, progress: FoldProgress): Promise<FoldOutcome> {
    if (this.stopped) return Promise.reject(new InterruptedError(`stopped before ${foldLabel(job)} started`));
    return new Promise<FoldOutcome>((resolve, reject) => {
      // Bound to the caller: a fold's progress and log lines belong to its own run's log, whatever process sends them.
      const log = bindLogScope((level: string, message: string) => logger.log(level, message));
      const bound = { onEpoch: bindLogScope(progress.onEpoch.bind(progress)), onProgress: bindLogScope(progress.onProgress.bind(progress)) };
      this.waiting.push({ job, progress: bound, log, resolve, reject });
      this.dispatch();
    });
  }

  /**
   * Gives waiting folds to idle processes while fewer than `foldsAtOnce` train, starts processes up to that many,
   * and lends idle cores to busy ones.
   */
  private dispatch(): void {
    let busy = this.processes.filter((p) => p.entry).length;
    this.setAtOnce(this.options.balance ? foldsAtOnce(this.slots, busy + this.waiting.length) : this.slots);
    for (let worker = this.idle(); worker && this.waiting.length > 0 && busy < this.atOnce; worker = this.idle(), busy++) {
      const entry = this.waiting.shift()!;
      worker.entry = entry;
      this.setThreads(worker, 1);
      send(worker, { type: 'train', job: entry.job });
    }
    const starting = this.processes.filter((p) => !p.ready).length;
    for (let n = Math.min(this.atOnce - this.processes.length, this.waiting.length - starting); n > 0; n--) this.start();
    this.lendIdleCores();
  }

  private setAtOnce(count: number): void {
    if (count > this.slots && !this.balancedOnce) {
      this.balancedOnce = true;
      logger.info(`${count} folds train at once on ${this.slots} slots, so that the folds left end together and no core idles in a last round`);
    }
    this.atOnce = Math.max(this.slots, count);
  }

  private idle(): PoolProcess | undefined {
    return this.processes.find((p) => p.ready && !p.entry);
  }

  /**
   * When no fold waits, the cores of idle slots go to the folds still training (results do not depend on it); once
   * every slot is busy again, lent cores are taken back, so no process runs more threads than it has a core for.
   */
  private lendIdleCores(): void {
    const busy = this.processes.filter((p) => p.entry);
    const idle = this.options.lend && this.waiting.length === 0 ? Math.max(0, this.slots - busy.length) : 0;
    busy.forEach((p, i) => this.setThreads(p, 1 + Math.floor(idle / busy.length) + (i < idle % busy.length ? 1 : 0)));
  }

  private setThreads(worker: PoolProcess, count: number): void {
    if (worker.threads === count) return;
    worker.threads = count;
    send(worker, { type: 'threads', count });
  }

  private start(): void {
    const child = fork(path.join(__dirname, 'pool-worker.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const worker: PoolProcess = { child, ready: false, threads: 1 };
    this.processes.push(worker);
    child.on('message', (message: PoolReply) => this.receive(worker, message));
    child.on('exit', (code, signal) => {
      this.processes.splice(this.processes.indexOf(worker), 1);
      const entry = worker.entry;
      worker.entry = undefined;
      if (entry) entry.reject(new RunError(`${foldLabel(entry.job)}: its training process stopped unexpectedly (${signal ?? `exit code ${code}`}).`));
      if (!this.stopped) this.dispatch();
    });
  }

  private receive(worker: PoolProcess, message: PoolReply): void {
    const entry = worker.entry;
    switch (message.type) {
      case 'ready':
        worker.ready = true;
        this.dispatch();
        return;
      case 'log':
        if (entry) entry.log(message.level, message.message);
        else logger.log(message.level, message.message);
        return;
      case 'epoch':
        entry?.progress.onEpoch(message.record);
        return;
      case 'progress':
        entry?.progress.onProgress(message.progress);
        return;
    }
    if (!entry) return;
    worker.entry = undefined;
    switch (message.type) {
      case 'done':
        entry.resolve({ result: message.result, weights: message.weights });
        break;
      case 'interrupted':
        entry.reject(new InterruptedError(message.reason));
        break;
      case 'error':
        // The process exits after an error; its slot is refilled for the next fold.
        worker.ready = false;
        entry.reject(message.kind === 'config' ? new ConfigError(message.message) : new RunError(message.message));
        break;
    }
    if (!this.stopped) this.dispatch();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of this.waiting.splice(0)) entry.reject(new InterruptedError(`stopped before ${foldLabel(entry.job)} started`));
    for (const worker of this.processes) if (worker.entry) send(worker, { type: 'stop' });
  }

  /** Lets idle processes exit, and ends any that do not within a few seconds. */
  async close(): Promise<void> {
    const exits = this.processes.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => worker.child.kill('SIGKILL'), 5000);
          worker.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          if (worker.entry) worker.child.kill('SIGTERM');
          else send(worker, { type: 'exit' });
        }),
    );
    await Promise.all(exits);
  }
}

function send(worker: PoolProcess, message: PoolRequest): void {
  // A process can exit between the check and the write (after a fold's error, say): the write then fails, and its
  // 'exit' handler accounts for its fold, so the failure is logged and not raised.
  if (worker.child.connected)
    worker.child.send(message, (error) => {
      if (error) logger.debug(`a training process did not take a "${message.type}" message: ${error.message}`);
    });
}
