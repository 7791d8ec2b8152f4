/** Gathers the instances of requests that arrive together into one model call, then hands each request its own rows back. */

export interface BatcherOptions {
  /** Rows per model call at most (a request's rows are never split across calls). */
  maxBatch: number;
  /** How long the first request waits for others to join its call. */
  maxDelayMs: number;
}

interface Pending {
  rows: Float32Array[];
  resolve(outputs: Float32Array[]): void;
  reject(error: unknown): void;
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly predict: (rows: Float32Array[]) => Float32Array[],
    private readonly options: BatcherOptions,
    private readonly onBatch: (rows: number, requests: number) => void = () => {},
  ) {}

  submit(rows: Float32Array[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      const queued = this.queue.reduce((n, p) => n + p.rows.length, 0);
      if (queued >= this.options.maxBatch) this.schedule(0);
      else this.schedule(this.options.maxDelayMs);
    });
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delayMs);
  }

  private flush(): void {
    this.timer = undefined;
    const batch: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0].rows.length <= this.options.maxBatch)) {
      const next = this.queue.shift()!;
      batch.push(next);
      rows += next.rows.length;
    }
    if (batch.length === 0) return;
    try {
      const outputs = this.predict(batch.flatMap((p) => p.rows));
      this.onBatch(rows, batch.length);
      let offset = 0;
      for (const pending of batch) {
        pending.resolve(outputs.slice(offset, offset + pending.rows.length));
        offset += pending.rows.length;
      }
    } catch (error) {
      batch.forEach((p) => p.reject(error));
    }
    // Requests that came in while the model ran go in the next call, without waiting for a fresh delay.
    if (this.queue.length > 0) this.schedule(0);
  }
}
