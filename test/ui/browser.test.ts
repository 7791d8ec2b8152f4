import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { createUiServer } from '../../src/ui/ui-server';
import { launchChromium, PageElement, watchedPage } from '../support/browser';
import { tempDir } from '../support/fixtures';
import { epochLogLine, epochRecord, fixtureReport, writeFixtureRuns, writeStatus } from '../support/run-fixtures';

describe('pipeline ui in headless Chromium', function () {
  let browser: Browser;
  let app: FastifyInstance;
  let base: string;
  let experiments: string;

  before(async function () {
    experiments = path.join(tempDir(), 'experiments');
    writeFixtureRuns(experiments);
    app = createUiServer(experiments);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lists the runs, sorts them by accuracy and filters them by state', async function () {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/`);
    const keys = () => page.$$eval('#runs tr.run:not([hidden])', (rows: PageElement[]) => rows.map((r) => r.getAttribute('data-key')));
    assert.deepEqual(await keys(), [
      'quick/20260104-100000-dddd',
      'deeper/20260103-100000-cccc',
      'batchnorm/20260102-100000-bbbb',
      'baseline/20260101-100000-aaaa',
    ]);
    await page.click('th[data-sort="accuracy"]');
    assert.deepEqual((await keys()).slice(0, 2), ['baseline/20260101-100000-aaaa', 'batchnorm/20260102-100000-bbbb']);
    await page.selectOption('#state-filter', 'complete');
    assert.deepEqual(await keys(), ['baseline/20260101-100000-aaaa', 'batchnorm/20260102-100000-bbbb']);
    assert.deepEqual(problems, []);
  });

  it('compares two ticked runs in a view with its charts', async function () {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/`);
    assert.equal(await page.isDisabled('#compare'), true);
    await page.check('tr[data-key="baseline/20260101-100000-aaaa"] input.pick');
    await page.check('tr[data-key="batchnorm/20260102-100000-bbbb"] input.pick');
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare')]);
    const frame = page.frameLocator('iframe.report-frame');
    await frame.locator('body').waitFor();
    const rows = await frame.locator('#comparison tbody tr').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => r.split('\t')[0]).sort(), ['baseline', 'batchnorm']);
    assert.match(rows[0], /\(reference\)/);
    assert.match(rows[1], /Welch|Nadeau–Bengio/);
    const foldMarks = await frame.locator('figure[data-chart="fold-accuracy"] .role-mark path').count();
    assert.ok(foldMarks > 0, 'the box plots of fold accuracies are drawn');
    assert.deepEqual(problems, []);
  });

  it('follows a running run: curves grow and the state flips to complete without a reload', async function () {
    const dir = path.join(experiments, 'deeper', '20260103-100000-cccc');
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/runs/deeper/20260103-100000-cccc`);
    await page.evaluate('window.notReloaded = true');
    assert.equal(await page.textContent('#run-state'), 'running');
    await page.waitForFunction("[...document.querySelectorAll('#live-body tbody td:nth-child(2)')].map((c) => c.textContent).join() === '1/3,1/3'");
    fs.appendFileSync(path.join(dir, 'log.jsonl'), epochLogLine(0, 3, epochRecord(2, 0.97)) + epochLogLine(1, 3, epochRecord(2, 0.96)));
    await page.waitForFunction("[...document.querySelectorAll('#live-body tbody td:nth-child(2)')].map((c) => c.textContent).join() === '2/3,2/3'");
    fs.writeFileSync(
      path.join(dir, 'report.json'),
      JSON.stringify(fixtureReport({ experiment: 'deeper', runId: '20260103-100000-cccc', state: 'complete', accuracies: [0.97, 0.96] })),
    );
    writeStatus(dir, { experiment: 'deeper', runId: '20260103-100000-cccc' }, 'complete');
    await page.waitForFunction("document.querySelector('#run-state')?.textContent === 'complete'");
    await page.waitForSelector('#report iframe.report-frame');
    assert.equal(await page.evaluate('window.notReloaded'), true);
    assert.equal(await page.$('#live'), null);
    assert.deepEqual(problems, []);
  });
});
