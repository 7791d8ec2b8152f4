/** `npm run screenshots`: the web app's pages over fixture runs and a small trained model, captured in headless Chromium as docs/ui-*.png. */
import * as fs from 'fs';
import * as path from 'path';
import { createUiServer } from '../../src/ui/ui-server';
import { launchChromium } from './browser';
import { tempDir } from './fixtures';
import { writeRun } from './run-fixtures';
import { DIGIT_STROKES, drawStrokes, trainDigitModel } from './try-digit';

const DOCS = path.resolve(__dirname, '../../../docs');

async function main(): Promise<void> {
  const cwd = tempDir('pipeline-screens-');
  const experiments = path.join(cwd, 'experiments');
  const digitsRun = await trainDigitModel(cwd, { report: true });
  writeRun(experiments, {
    experiment: 'baseline',
    runId: '20260101-100000-a1b2',
    state: 'complete',
    accuracies: [0.9861, 0.9872, 0.9855, 0.9868, 0.9874],
    epochs: 10,
  });
  writeRun(experiments, {
    experiment: 'batchnorm',
    runId: '20260102-110000-c3d4',
    state: 'complete',
    accuracies: [0.9871, 0.9866, 0.988, 0.9859, 0.9877],
    epochs: 10,
  });
  writeRun(experiments, {
    experiment: 'deeper',
    runId: '20260103-120000-e5f6',
    state: 'running',
    accuracies: [0.9901, 0.9893, 0.9908, 0.9897, 0.9911],
    epochs: 10,
    epochsDone: 4,
  });
  writeRun(experiments, { experiment: 'quick', runId: '20260104-130000-a7b8', state: 'failed', accuracies: [0.91, 0.92], epochs: 1, epochsDone: 0 });
  const app = createUiServer(experiments);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  fs.mkdirSync(DOCS, { recursive: true });
  try {
    const shots: [string, string][] = [
      ['ui-runs.png', '/'],
      ['ui-run-live.png', '/runs/deeper/20260103-120000-e5f6'],
      ['ui-run.png', '/runs/baseline/20260101-100000-a1b2'],
      ['ui-compare.png', '/compare?run=baseline/20260101-100000-a1b2&run=batchnorm/20260102-110000-c3d4'],
    ];
    for (const [file, url] of shots) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${base}${url}`, { waitUntil: 'networkidle' }).catch(() => page.waitForLoadState('load'));
      await page.waitForTimeout(1500);
      await page.screenshot({ path: path.join(DOCS, file) });
      process.stdout.write(`wrote docs/${file}\n`);
      await page.close();
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
    await page.goto(`${base}/runs/digits/${digitsRun}/try`);
    await page.waitForSelector('#try[data-ready="true"]');
    await drawStrokes(page, DIGIT_STROKES['7']);
    await page.waitForSelector(`#try[data-version="${await page.getAttribute('#pad', 'data-version')}"]`);
    await page.screenshot({ path: path.join(DOCS, 'ui-try.png') });
    process.stdout.write('wrote docs/ui-try.png\n');
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exitCode = 1;
});
