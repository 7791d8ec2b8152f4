import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { createUiServer } from '../../src/ui/ui-server';
import { launchChromium, PageElement, watchedPage } from '../support/browser';
import { tempDir } from '../support/fixtures';
import { DIGIT_STROKES, drawStrokes, drawStrokesByTouch, trainDigitModel } from '../support/try-digit';

describe('pipeline ui: Try it, in headless Chromium', function () {
  this.timeout(120_000);
  let browser: Browser;
  let app: FastifyInstance;
  let base: string;
  let runId: string;

  before(async function () {
    const cwd = tempDir('pipeline-try-');
    runId = await trainDigitModel(cwd);
    app = createUiServer(path.join(cwd, 'experiments'));
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Draws `strokes` and waits until the page has classified that drawing; returns the predicted class. */
  async function drawAndPredict(page: Page, strokes: [number, number][][]): Promise<string | undefined> {
    await drawStrokes(page, strokes);
    const version = await page.getAttribute('#pad', 'data-version');
    await page.waitForSelector(`#try[data-version="${version}"]`);
    return (await page.getAttribute('#try', 'data-predicted')) ?? undefined;
  }

  it('classifies a "1" and a "7" drawn with mouse strokes, showing the 28×28 image and the probabilities', async function () {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/runs/digits/${runId}/try`);
    await page.waitForSelector('#try[data-ready="true"]');
    assert.equal(await drawAndPredict(page, DIGIT_STROKES['1']), '1');
    const bars = await page.$$eval('#probabilities .bar', (rows: PageElement[]) =>
      rows.map((r): [string | null | undefined, string | null | undefined, boolean] => [
        r.querySelector('.bar-name')?.textContent,
        r.querySelector('.bar-value')?.textContent,
        r.classList.contains('best'),
      ]),
    );
    assert.deepEqual(
      bars.map((b) => b[0]),
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    );
    assert.equal(
      bars
        .filter((b) => b[2])
        .map((b) => b[0])
        .join(),
      '1',
    );
    const total = bars.reduce((sum, b) => sum + Number(String(b[1]).replace('%', '')), 0);
    assert.ok(Math.abs(total - 100) < 1, `probabilities add up to ${total}%`);
    assert.match((await page.textContent('#prediction')) ?? '', /^1 with probability \d+\.\d%$/);
    // The model saw a light digit on black, centred: ink in the middle rows, none in the corners.
    const seen = await page.evaluate<{ side: number; centre: number; corner: number }>(`(() => {
      const canvas = document.querySelector('#seen');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      return { side: canvas.width, centre: data[4 * (14 * 28 + 14)], corner: data[0] };
    })()`);
    assert.equal(seen.side, 28);
    assert.equal(seen.corner, 0);
    assert.ok(seen.centre > 100, `centre pixel ${seen.centre}`);
    await page.click('#clear');
    assert.equal(await drawAndPredict(page, DIGIT_STROKES['7']), '7');
    assert.deepEqual(problems, []);
  });

  it('draws with a finger too: touch strokes are pointer events on the pad, not a scroll of the page', async function () {
    const { page, problems } = await watchedPage(browser, { width: 420, height: 900 }, { hasTouch: true });
    await page.goto(`${base}/runs/digits/${runId}/try`);
    await page.waitForSelector('#try[data-ready="true"]');
    await drawStrokesByTouch(page, DIGIT_STROKES['7']);
    const version = await page.getAttribute('#pad', 'data-version');
    assert.equal(version, '1');
    await page.waitForSelector(`#try[data-version="${version}"]`);
    assert.equal(await page.getAttribute('#try', 'data-predicted'), '7');
    assert.deepEqual(problems, []);
  });

  it('classifies a picked image file with the same preparation', async function () {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${base}/runs/digits/${runId}/try`);
    await page.waitForSelector('#try[data-ready="true"]');
    await drawStrokes(page, DIGIT_STROKES['7']);
    const png = Buffer.from((await page.evaluate<string>("document.querySelector('#pad').toDataURL('image/png')")).split(',')[1], 'base64');
    await page.click('#clear');
    const file = path.join(tempDir('pipeline-try-file-'), 'seven.png');
    fs.writeFileSync(file, png);
    await page.setInputFiles('#file', file);
    const version = await page.getAttribute('#pad', 'data-version');
    await page.waitForSelector(`#try[data-version="${version}"]`);
    assert.equal(await page.getAttribute('#try', 'data-predicted'), '7');
    await page.setInputFiles('#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.waitForFunction("document.querySelector('#prediction').textContent.startsWith('notes.png: not an image')");
    assert.equal(await page.getAttribute('#try', 'data-predicted'), null);
    assert.deepEqual(problems, []);
  });
});
