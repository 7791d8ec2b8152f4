import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import autocannon from 'autocannon';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select';
import { BIN } from '../support/cli';
import { tempDir } from '../support/fixtures';
import { digitModel, saveModel } from '../support/saved-model';

/** Starts `pipeline serve` on a free port and resolves with its base URL once it listens. */
function startServe(args: string[]): Promise<{ child: ChildProcess; base: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = / at (http:\/\/127\.0\.0\.1:\d+)\/v1\/models\//.exec(stderr);
      if (match) resolve({ child, base: match[1], stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`pipeline serve exited with ${code}:\n${stderr}`)));
  });
}

describe('pipeline serve', function () {
  let server: Awaited<ReturnType<typeof startServe>>;
  let runDir: string;

  before(async function () {
    await selectBackend('cpu', { quiet: true });
    runDir = path.join(tempDir(), 'experiments', 'baseline', '20260101-000000-abcd');
    await saveModel(digitModel(1, { filters: 32, hidden: 100 }), path.join(runDir, 'model'));
    server = await startServe([runDir]);
  });
  after(() => server.child.exitCode === null && server.child.kill('SIGKILL'));

  it("serves a run's saved model under the experiment's name, predicting what the model computes", async function () {
    const pixels = Array.from({ length: 784 }, (_, i) => (i % 29) / 28);
    const response = await fetch(`${server.base}/v1/models/baseline:predict`, { method: 'POST', body: JSON.stringify({ instances: [pixels] }) });
    assert.equal(response.status, 200);
    const { predictions } = (await response.json()) as { predictions: number[][] };
    const model = digitModel(1, { filters: 32, hidden: 100 });
    const expected = tf.tidy(() => (model.predict(tf.tensor(pixels, [1, 28, 28, 1])) as tf.Tensor).arraySync()) as number[][];
    // The server runs on the machine's fastest backend; this process on tfjs's default: float32 rounding apart.
    predictions[0].forEach((p, k) => assert.ok(Math.abs(p - expected[0][k]) < 1e-5, `class ${k}: ${p} vs ${expected[0][k]}`));
    // The line is written as the answer leaves: give it a moment to arrive.
    for (let wait = 0; wait < 50 && !/POST \/v1\/models\/baseline:predict 200/.test(server.stderr()); wait++)
      await new Promise((r) => setTimeout(r, 20));
    assert.match(server.stderr(), /POST \/v1\/models\/baseline:predict 200 [\d.]+ ms/);
  });

  it('answers 2,000 requests from 50 concurrent clients without an error (load test)', async function () {
    const body = JSON.stringify({ instances: [Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => ((r * c) % 7) / 6))] });
    const result = await autocannon({
      url: `${server.base}/v1/models/baseline:predict`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      connections: 50,
      amount: 2000,
      timeout: 20,
    });
    const answered = result['2xx'];
    process.stdout.write(
      `      load: ${answered} answered in ${result.duration.toFixed(1)} s, ${result.requests.average} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms\n`,
    );
    assert.equal(result.errors, 0);
    assert.equal(result.timeouts, 0);
    assert.equal(result.non2xx, 0);
    assert.equal(answered, 2000);
  });

  it('stops on SIGTERM after answering the requests in flight', async function () {
    const body = JSON.stringify({ instances: new Array(128).fill(new Array(784).fill(0.5)) });
    const inFlight = Array.from({ length: 8 }, () => fetch(`${server.base}/v1/models/baseline:predict`, { method: 'POST', body }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const exited = new Promise<number | null>((resolve) => server.child.on('exit', resolve));
    server.child.kill('SIGTERM');
    const statuses = await Promise.all(
      inFlight.map((p) =>
        p.then(
          (r) => r.status,
          () => 'refused',
        ),
      ),
    );
    assert.equal(await exited, 0);
    // Every request in flight at the signal is answered; ones that reach the server later get 503 or a refused connection.
    const inFlightAtSignal = Number(
      /SIGTERM: finishing (\d+) request\(s\) in flight, then stopping[\s\S]*model server stopped/.exec(server.stderr())?.[1],
    );
    assert.ok(inFlightAtSignal >= 1, server.stderr());
    assert.ok(statuses.filter((s) => s === 200).length >= inFlightAtSignal, statuses.join(', '));
    assert.ok(
      statuses.every((s) => s === 200 || s === 503 || s === 'refused'),
      statuses.join(', '),
    );
  });
});
