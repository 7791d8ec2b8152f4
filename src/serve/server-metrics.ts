/** Request counts, latency and batch-size histograms of the model server, in Prometheus' text format for GET /metrics. */

const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private total = 0;

  constructor(private readonly bounds: number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  observe(value: number): void {
    this.bounds.forEach((bound, i) => value <= bound && this.counts[i]++);
    this.sum += value;
    this.total++;
  }

  lines(name: string, labels = ''): string[] {
    const sep = labels ? `${labels},` : '';
    return [
      ...this.bounds.map((bound, i) => `${name}_bucket{${sep}le="${bound}"} ${this.counts[i]}`),
      `${name}_bucket{${sep}le="+Inf"} ${this.total}`,
      `${name}_sum${labels ? `{${labels}}` : ''} ${round(this.sum)}`,
      `${name}_count${labels ? `{${labels}}` : ''} ${this.total}`,
    ];
  }
}

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Histogram(LATENCY_BUCKETS_MS);
  private readonly batchRows = new Histogram(BATCH_BUCKETS);
  private readonly batchRequests = new Histogram(BATCH_BUCKETS);

  request(route: string, status: number, milliseconds: number): void {
    const key = `route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latency.observe(milliseconds);
  }

  batch(rows: number, requests: number): void {
    this.batchRows.observe(rows);
    this.batchRequests.observe(requests);
  }

  render(): string {
    return [
      '# HELP pipeline_serve_requests_total HTTP requests answered, by route and status.',
      '# TYPE pipeline_serve_requests_total counter',
      ...[...this.requests].map(([labels, count]) => `pipeline_serve_requests_total{${labels}} ${count}`),
      '# HELP pipeline_serve_request_milliseconds Time from request to response.',
      '# TYPE pipeline_serve_request_milliseconds histogram',
      ...this.latency.lines('pipeline_serve_request_milliseconds'),
      '# HELP pipeline_serve_batch_instances Instances per model call.',
      '# TYPE pipeline_serve_batch_instances histogram',
      ...this.batchRows.lines('pipeline_serve_batch_instances'),
      '# HELP pipeline_serve_batch_requests Requests sharing one model call.',
      '# TYPE pipeline_serve_batch_requests histogram',
      ...this.batchRequests.lines('pipeline_serve_batch_requests'),
      '',
    ].join('\n');
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
