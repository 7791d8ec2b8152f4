/** Server-sent events for one run: its progress (state, epochs finished) each time its status or log file changes. */
import type { FastifyReply } from 'fastify';
import { RunProgressReader } from './run-progress';

const POLL_MS = 400;
const HEARTBEAT_MS = 15_000;

/** Open streams, so that closing the app can end them instead of waiting on clients that never hang up. */
export class RunEventStreams {
  private readonly open = new Set<() => void>();

  /** Takes over `reply`: sends an event `progress` now and whenever the run's files say something new. */
  stream(reply: FastifyReply, dir: string): void {
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const reader = new RunProgressReader(dir);
    let last = '';
    let reading = false;
    const poll = async () => {
      if (reading) return;
      reading = true;
      try {
        const data = JSON.stringify(await reader.read());
        if (data !== last) {
          last = data;
          response.write(`event: progress\ndata: ${data}\n\n`);
        }
      } finally {
        reading = false;
      }
    };
    const timer = setInterval(() => void poll(), POLL_MS);
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(timer);
      clearInterval(heartbeat);
      this.open.delete(end);
      if (!response.writableEnded) response.end();
    };
    this.open.add(end);
    response.on('close', end);
    void poll();
  }

  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
