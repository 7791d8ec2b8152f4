/** The web app's sweep page: the sweep's comparison report, linked from the sweep's group in the runs table. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import { createUiServer } from '../../src/ui/ui-server';
import { tempDir } from '../support/fixtures';
import { writeRun, writeStatus } from '../support/run-fixtures';

describe("pipeline ui: a sweep's comparison", function () {
  const sweepId = '20260105-095900-abcd';
  let app: FastifyInstance;
  let base: string;

  before(async function () {
    const experiments = path.join(tempDir(), 'experiments');
    writeRun(experiments, { experiment: 'quick.lr-0.1', runId: '20260105-100000-eeee', state: 'complete', accuracies: [0.91, 0.92] });
    writeRun(experiments, { experiment: 'quick.lr-0.01', runId: '20260105-100100-ffff', state: 'complete', accuracies: [0.93, 0.94] });
    writeRun(experiments, { experiment: 'quick.lr-1', runId: '20260105-100200-aaaa', state: 'failed', accuracies: [0.1] });
    const sweepDir = path.join(experiments, '_sweeps', 'quick', sweepId);
    fs.mkdirSync(sweepDir, { recursive: true });
    writeStatus(sweepDir, { experiment: 'quick', runId: sweepId }, 'failed');
    const trial = (id: string, lr: number, run: string, state = 'complete') => ({
      id,
      name: run.split('/')[0],
      settings: [{ path: 'training.optimizer.learningRate', value: lr }],
      overrides: [],
      state,
      run,
    });
    const trials = [
      trial('t1', 0.1, 'quick.lr-0.1/20260105-100000-eeee'),
      trial('t2', 0.01, 'quick.lr-0.01/20260105-100100-ffff'),
      trial('t3', 1, 'quick.lr-1/20260105-100200-aaaa', 'failed'),
    ];
    const record = {
      sweepId,
      experiment: 'quick',
      configFile: 'configs/quick.yaml',
      metric: 'accuracy',
      goal: 'maximize',
      parameters: ['training.optimizer.learningRate'],
      trials,
      ranking: ['t2', 't1'],
    };
    fs.writeFileSync(path.join(sweepDir, 'sweep.json'), JSON.stringify(record));
    app = createUiServer(experiments);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => app.close());

  it("links the sweep's group to its page, which frames the comparison with trials linked to their run pages", async () => {
    const runs = await (await fetch(`${base}/`)).text();
    assert.match(
      runs,
      new RegExp(`<tr class="sweep"><th colspan="9">sweep quick/${sweepId} .*<a href="/sweeps/quick/${sweepId}">comparison</a></th></tr>`),
    );
    const page = await fetch(`${base}/sweeps/quick/${sweepId}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(`<iframe class="report-frame" title="sweep comparison" src="/sweeps/quick/${sweepId}/compare.html">`));
    const html = await (await fetch(`${base}/sweeps/quick/${sweepId}/compare.html`)).text();
    assert.match(html, /<base target="_top">/);
    const ranked = [...html.matchAll(/<tr><td class="num">(\d)<\/td><td><a href="([^"]+)">(t\d)<\/a>/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(ranked, [
      ['1', '/runs/quick.lr-0.01/20260105-100100-ffff', 't2'],
      ['2', '/runs/quick.lr-0.1/20260105-100000-eeee', 't1'],
    ]);
    assert.match(html, /<tr><td><a href="\/runs\/quick\.lr-1\/20260105-100200-aaaa">t3<\/a><\/td><td>1<\/td><td>failed<\/td>/);
    assert.match(html, /data-chart="setting-training_optimizer_learningRate"><svg/);
  });

  it('answers 404 for a sweep that is not there', async () => {
    for (const url of [
      `/sweeps/quick/20990101-000000-zzzz`,
      `/sweeps/quick/${sweepId}/compare.html`.replace('quick', 'other'),
      '/sweeps/..%2F..%2Fetc/passwd',
    ]) {
      assert.equal((await fetch(`${base}${url}`)).status, 404, url);
    }
  });
});
