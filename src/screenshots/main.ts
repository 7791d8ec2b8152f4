/**
 * `npm run screenshots [-- <run> <run>]`: renders the report of the first run, the comparison of the runs and the
 * latest complete sweep's comparison, and writes the README's screenshots of them to docs/ (defaults: the latest
 * complete baseline and batchnorm runs).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { findCompleteRun } from '../pipeline/run-lookup';
import { readTrialReports, sweepExperimentsDir } from '../pipeline/sweep/sweep-comparison';
import { listSweeps } from '../pipeline/sweep/sweep-index';
import { readSweepRecord } from '../pipeline/sweep/sweep-record';
import { writeCompareViews, writeSweepCompareViews } from '../report/compare-files';
import { readReport, writeReportViews } from '../report/report-files';
import { launchBrowser, openFile } from './headless-page';

const DOCS = 'docs';

/** The part of the page from the top of one section to the bottom of another. */
async function shoot(page: Page, from: string, to: string, file: string): Promise<void> {
  const top = await page.locator(from).boundingBox();
  const bottom = await page.locator(to).boundingBox();
  if (!top || !bottom) throw new Error(`${from} or ${to} is not on the page`);
  const y = Math.max(0, top.y - 16);
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y, width: page.viewportSize()!.width, height: bottom.y + bottom.height + 16 - y },
  });
  process.stdout.write(`${file}\n`);
}

async function main(refs: string[]): Promise<void> {
  const runs = [];
  for (const ref of refs.length ? refs : ['baseline', 'batchnorm']) runs.push(await findCompleteRun(ref));
  const reports = await Promise.all(runs.map((run) => readReport(run.dir)));
  await writeReportViews(runs[0].dir, reports[0], { status: runs[0].state });
  const compareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-screenshots-'));
  const { html } = await writeCompareViews(compareDir, reports);
  const sweepHtml = await sweepComparison(path.join(compareDir, 'sweep'));
  fs.mkdirSync(DOCS, { recursive: true });
  const browser = await launchBrowser();
  try {
    const report = await openFile(browser, path.resolve(runs[0].dir, 'report.html'), 1100);
    await shoot(report.page, 'h1', '#spread', path.join(DOCS, 'report.png'));
    await shoot(report.page, '#confusion', '#misclassified', path.join(DOCS, 'report-predictions.png'));
    const compare = await openFile(browser, html, 1100);
    await shoot(compare.page, 'h1', '#config', path.join(DOCS, 'compare.png'));
    const sweep = sweepHtml ? await openFile(browser, sweepHtml, 1100) : undefined;
    if (sweep) await shoot(sweep.page, 'h1', '#settings', path.join(DOCS, 'sweep-compare.png'));
    else process.stdout.write('no complete sweep under experiments/_sweeps/: docs/sweep-compare.png left as it is\n');
    const problems = [...report.problems, ...compare.problems, ...(sweep?.problems ?? [])];
    if (problems.length) throw new Error(`the pages had problems:\n${problems.join('\n')}`);
  } finally {
    await browser.close();
    fs.rmSync(compareDir, { recursive: true, force: true });
  }
}

/** The latest complete sweep's comparison, rendered into `dir`; undefined when there is none. */
async function sweepComparison(dir: string): Promise<string | undefined> {
  const sweep = (await listSweeps())
    .filter((s) => s.state === 'complete')
    .sort((a, b) => a.sweepId.localeCompare(b.sweepId))
    .pop();
  if (!sweep) return undefined;
  const record = await readSweepRecord(sweep.dir);
  fs.mkdirSync(dir);
  return (await writeSweepCompareViews(dir, record, await readTrialReports(record, sweepExperimentsDir(sweep.dir)))).html;
}

main(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`screenshots: ${error.message}\n`);
  process.exitCode = 1;
});
