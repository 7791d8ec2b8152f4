/** report.html and compare.html in a real headless Chromium: they load offline, every chart has marks, the numbers are report.json's. */
import { strict as assert } from 'assert';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { launchBrowser, openFile } from '../../src/screenshots/headless-page';
import type { PageElement } from '../support/browser';
import { pipeline } from '../support/cli';
import { readReport } from '../support/run-files';
import { STUDY_TIMEOUT, toyStudy } from '../support/toy-study';

/** Each chart figure's name and how many drawn marks (lines, symbols, rects, text) it holds. */
const chartMarks = (page: Page) =>
  page.$$eval('figure[data-chart]', (figures: PageElement[]) =>
    figures.map((f) => [f.getAttribute('data-chart'), f.querySelectorAll('.role-mark path, .role-mark text').length] as [string, number]),
  );

/** A screenshot is not blank when a good share of its pixels are neither white nor one flat colour. */
function inkedShare(png: Buffer): number {
  const image = PNG.sync.read(png);
  let inked = 0;
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i] < 235 || image.data[i + 1] < 235 || image.data[i + 2] < 235) inked++;
  return inked / (image.width * image.height);
}

describe('views in Chromium', () => {
  let browser: Browser;
  let study: ReturnType<typeof toyStudy>;

  before(async function () {
    this.timeout(STUDY_TIMEOUT);
    study = toyStudy();
    browser = await launchBrowser();
  });
  after(async () => browser?.close());

  it('report.html: no errors or requests, every chart drawn, the figures of report.json, a screenshot with content', async () => {
    const { page, problems } = await openFile(browser, path.join(study.runs.toy, 'report.html'));
    const report = readReport(study.runs.toy);
    const charts = await chartMarks(page);
    assert.deepEqual(
      charts.map(([name]) => name),
      ['accuracy', 'loss', 'fold-accuracy', 'confusion'],
    );
    for (const [name, marks] of charts) assert.ok(marks > 0, `chart ${name} has marks`);
    assert.equal(
      (await page.textContent('#summary-accuracy'))!.trim(),
      `${(100 * report.summary.accuracy.mean).toFixed(3)}% ± ${(100 * report.summary.accuracy.std).toFixed(3)} pp`,
    );
    const foldCells = await page.$$eval('#folds tbody tr', (rows: PageElement[]) => rows.map((r) => r.children[3].textContent));
    assert.deepEqual(
      foldCells,
      report.folds.map((f) => `${(100 * f.accuracy!).toFixed(3)}%`),
    );
    const confusionCounts = await page.$$eval('figure[data-chart="confusion"] .role-mark text', (texts: PageElement[]) =>
      texts.map((t) => Number(t.textContent)),
    );
    assert.deepEqual(
      confusionCounts.sort((a, b) => a - b),
      report.predictions!.confusion.flat().sort((a, b) => a - b),
    );
    const images = await page.$$eval('.gallery img', (imgs: { naturalWidth: number }[]) => imgs.map((i) => i.naturalWidth));
    assert.deepEqual(
      images,
      report.predictions!.misclassified.map(() => 8),
      'every gallery image decoded at its 8×8 size',
    );
    assert.ok(inkedShare(await page.screenshot({ fullPage: true })) > 0.05);
    assert.deepEqual(problems, []);
  });

  it('compare.html: no errors or requests, every chart drawn, the means of the reports, a screenshot with content', async () => {
    const out = path.join(study.cwd, 'browser-compare');
    const result = pipeline(['compare', 'base', 'toy', '--out', out], study.cwd);
    assert.equal(result.status, 0, result.stderr);
    const { page, problems } = await openFile(browser, path.join(out, 'compare.html'));
    const charts = await chartMarks(page);
    assert.deepEqual(
      charts.map(([name]) => name),
      ['fold-accuracy', 'accuracy', 'loss', 'class-f1'],
    );
    for (const [name, marks] of charts) assert.ok(marks > 0, `chart ${name} has marks`);
    const means = await page.$$eval('#comparison tbody tr', (rows: PageElement[]) => rows.map((r) => r.children[2].textContent));
    assert.deepEqual(
      means,
      [study.runs.base, study.runs.toy].map((dir) => `${(100 * readReport(dir).summary.accuracy.mean).toFixed(3)}%`),
    );
    assert.match((await page.textContent('#comparison tbody tr:nth-child(2)'))!, /corrected paired t \(Nadeau–Bengio\)/);
    assert.ok(inkedShare(await page.screenshot({ fullPage: true })) > 0.05);
    assert.deepEqual(problems, []);
  });
});
