import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import { selectBackend } from '../../src/backend/select';
import type { RunProgress } from '../../src/ui/run-progress';
import { createUiServer } from '../../src/ui/ui-server';
import { tempDir } from '../support/fixtures';
import { digitModel, saveModel } from '../support/saved-model';
import { epochLogLine, epochRecord, fixtureReport, writeFixtureRuns, writeRun, writeStatus } from '../support/run-fixtures';

/** Reads server-sent events from a streaming response, one `data` payload at a time. */
function eventReader(response: Response): () => Promise<RunProgress> {
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body!.getReader();
  let buffered = '';
  return async () => {
    for (;;) {
      const end = buffered.indexOf('\n\n');
      if (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) return JSON.parse(data.slice(6)) as RunProgress;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffered += Buffer.from(value).toString('utf8');
    }
  };
}

describe('pipeline ui: the web app over HTTP', function () {
  let experiments: string;
  let app: FastifyInstance;
  let base: string;

  before(async function () {
    experiments = path.join(tempDir(), 'experiments');
    writeFixtureRuns(experiments);
    // A sweep of two trials: each trial is an ordinary run, listed under the sweep's header.
    writeRun(experiments, { experiment: 'quick.lr-0.1', runId: '20260105-100000-eeee', state: 'complete', accuracies: [0.91, 0.92] });
    writeRun(experiments, { experiment: 'quick.lr-0.01', runId: '20260105-100100-ffff', state: 'complete', accuracies: [0.93, 0.94] });
    const sweepDir = path.join(experiments, '_sweeps', 'quick', '20260105-095900-abcd');
    fs.mkdirSync(sweepDir, { recursive: true });
    writeStatus(sweepDir, { experiment: 'quick', runId: '20260105-095900-abcd' }, 'complete');
    const trial = (id: string, name: string, run: string, mean: number) => ({
      id,
      name,
      settings: [],
      overrides: [],
      state: 'complete',
      run,
      score: { mean, std: 0.005, n: 2 },
    });
    fs.writeFileSync(
      path.join(sweepDir, 'sweep.json'),
      JSON.stringify({
        sweepId: '20260105-095900-abcd',
        experiment: 'quick',
        configFile: 'configs/quick.yaml',
        metric: 'accuracy',
        goal: 'maximize',
        parameters: ['training.optimizer.learningRate'],
        trials: [
          trial('t1', 'quick.lr-0.1', 'quick.lr-0.1/20260105-100000-eeee', 0.915),
          trial('t2', 'quick.lr-0.01', 'quick.lr-0.01/20260105-100100-ffff', 0.935),
        ],
        ranking: ['t2', 't1'],
      }),
    );
    await selectBackend('cpu', { quiet: true });
    await saveModel(digitModel(), path.join(experiments, 'baseline', '20260101-100000-aaaa', 'model'), { version: 1, classNames: ['0', '1'] });
    app = createUiServer(experiments);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => app.close());

  it("lists every run with its state and accuracy, and a sweep's trials under the sweep", async function () {
    const html = await (await fetch(`${base}/`)).text();
    for (const key of [
      'baseline/20260101-100000-aaaa',
      'batchnorm/20260102-100000-bbbb',
      'deeper/20260103-100000-cccc',
      'quick/20260104-100000-dddd',
    ]) {
      assert.ok(html.includes(`data-key="${key}"`), key);
    }
    assert.match(html, /data-key="baseline\/20260101-100000-aaaa"[^>]*>.*98\.30% ± 0\.16.*wasm.*42s/);
    assert.match(html, /<span class="state state-running">running<\/span>/);
    const sweep = /<tbody class="group"><tr class="sweep">(.*?)<\/tbody>/s.exec(html);
    assert.ok(sweep, 'a group for the sweep');
    assert.match(sweep[1], /sweep quick\/20260105-095900-abcd .*2\/2 trials complete · best quick\.lr-0\.01 \(accuracy 93\.50% ± 0\.50\)/);
    assert.deepEqual(
      [...sweep[1].matchAll(/<tr class="trial" data-key="([^"]+)"/g)].map((m) => m[1]),
      ['quick.lr-0.1/20260105-100000-eeee', 'quick.lr-0.01/20260105-100100-ffff'],
    );
  });

  it("streams a running run's epochs and its change of state as server-sent events", async function () {
    const dir = path.join(experiments, 'deeper', '20260103-100000-cccc');
    const controller = new AbortController();
    const response = await fetch(`${base}/runs/deeper/20260103-100000-cccc/events`, { signal: controller.signal });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const next = eventReader(response);
    const first = await next();
    assert.equal(first.state, 'running');
    assert.deepEqual(
      first.folds.map((f) => f.history.length),
      [1, 1],
    );
    fs.appendFileSync(path.join(dir, 'log.jsonl'), epochLogLine(0, 3, epochRecord(2, 0.97)));
    const second = await next();
    assert.deepEqual(
      second.folds.map((f) => f.history.length),
      [2, 1],
    );
    fs.writeFileSync(
      path.join(dir, 'report.json'),
      JSON.stringify(fixtureReport({ experiment: 'deeper', runId: '20260103-100000-cccc', state: 'complete', accuracies: [0.97, 0.96] })),
    );
    writeStatus(dir, { experiment: 'deeper', runId: '20260103-100000-cccc' }, 'complete');
    let last = await next();
    while (last.state !== 'complete' || !last.hasReport) last = await next();
    controller.abort();
  });

  it('refuses to compare fewer than two runs, or a run that is not complete, naming its state', async function () {
    const one = await fetch(`${base}/compare?run=baseline/20260101-100000-aaaa`);
    assert.equal(one.status, 400);
    assert.match(await one.text(), /Compare needs two or more runs: tick them in the runs table\./);
    const failed = await fetch(`${base}/compare?run=baseline/20260101-100000-aaaa&run=quick/20260104-100000-dddd`);
    assert.equal(failed.status, 400);
    assert.match(await failed.text(), /quick\/20260104-100000-dddd is failed: only complete runs can be compared\./);
    assert.equal((await fetch(`${base}/compare?run=baseline/20260101-100000-aaaa&run=batchnorm/20260102-100000-bbbb`)).status, 200);
  });

  it('serves nothing outside the experiments folder', async function () {
    for (const url of ['/runs/baseline/..%2F..%2Fetc/report.html', '/runs/..%2F..%2F/x']) {
      assert.equal((await fetch(`${base}${url}`)).status, 404, url);
    }
  });

  it('links a run that saved a model to its Try it page, and serves the files of its model folder', async function () {
    const html = await (await fetch(`${base}/`)).text();
    assert.deepEqual(
      [...html.matchAll(/<a class="try-link" href="([^"]+)">try it<\/a>/g)].map((m) => m[1]),
      ['/runs/baseline/20260101-100000-aaaa/try'],
    );
    assert.match(
      await (await fetch(`${base}/runs/baseline/20260101-100000-aaaa`)).text(),
      /<a id="try-link" class="button" href="\/runs\/baseline\/20260101-100000-aaaa\/try">Try the model<\/a>/,
    );
    assert.doesNotMatch(await (await fetch(`${base}/runs/batchnorm/20260102-100000-bbbb`)).text(), /try-link/);
    const page = await fetch(`${base}/runs/baseline/20260101-100000-aaaa/try`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="try" class="try" data-model="\/runs\/baseline\/20260101-100000-aaaa\/model\/">/);
    const model = await fetch(`${base}/runs/baseline/20260101-100000-aaaa/model/model.json`);
    assert.equal(model.headers.get('content-type'), 'application/json');
    assert.deepEqual(((await model.json()) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths, ['weights.bin']);
    const weights = await fetch(`${base}/runs/baseline/20260101-100000-aaaa/model/weights.bin`);
    assert.equal(
      Buffer.from(await weights.arrayBuffer()).length,
      fs.statSync(path.join(experiments, 'baseline', '20260101-100000-aaaa', 'model', 'weights.bin')).size,
    );
    const none = await fetch(`${base}/runs/batchnorm/20260102-100000-bbbb/try`);
    assert.equal(none.status, 404);
    assert.match(
      await none.text(),
      /batchnorm\/20260102-100000-bbbb has no saved model \(model\/model\.json\): a run saves one when its steps include save\./,
    );
  });

  it('refuses a model file path that leads out of the model folder', async function () {
    const model = '/runs/baseline/20260101-100000-aaaa/model';
    for (const file of [
      '..%2Fstatus.json',
      '..%2F..%2F..%2Fbaseline%2F20260101-100000-aaaa%2Freport.json',
      '%2Fetc%2Fpasswd',
      'sub%2F..%2F..%2Fstatus.json',
      '..',
      'missing.bin',
    ]) {
      const response = await fetch(`${base}${model}/${file}`);
      assert.equal(response.status, 404, file);
      assert.doesNotMatch(await response.text(), /"state"|root:/, file);
    }
    // The files escaped to exist, so the refusals above are not just missing files.
    assert.ok(fs.existsSync(path.join(experiments, 'baseline', '20260101-100000-aaaa', 'status.json')));
  });

  it('bundles its browser scripts locally', async function () {
    const response = await fetch(`${base}/assets/runs-table.js`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/javascript');
    assert.match(await response.text(), /Compare|compare/);
    assert.equal((await fetch(`${base}/assets/unknown.js`)).status, 404);
  });
});
