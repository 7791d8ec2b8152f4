/** Writes a comparison's compare.html and compare.md (with its charts): into a folder of its own, or a sweep's folder. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { RunError } from '../errors';
import { describeFsError, writeFileAtomic } from '../atomic-write';
import { runLabels } from './compare';
import { renderCompareHtml } from './html/compare-html';
import { renderCompareMarkdown } from './markdown/compare-markdown';
import type { MarkdownView } from './markdown/report-markdown';
import { renderSweepCompareHtml } from './html/sweep-compare-html';
import { renderSweepCompareMarkdown } from './markdown/sweep-compare-markdown';
import type { Report } from './report-json';
import { writeMarkdownView } from './report-files';
import type { SweepRecord } from './sweep-json';

export const COMPARE_DIR = '_compare';
export const COMPARE_HTML = 'compare.html';
export const COMPARE_MD = 'compare.md';

/** `<time>-<a>-vs-<b>`: sorts by time, says what was compared. */
export function comparisonId(reports: readonly Report[], now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const names = runLabels(reports).map((l) => l.replace(/[^A-Za-z0-9_.-]+/g, '_'));
  return `${stamp}-${names.join('-vs-')}`.slice(0, 120);
}

export async function writeCompareViews(dir: string, reports: readonly Report[]): Promise<{ html: string; md: string }> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new RunError(`Cannot create ${dir}: ${describeFsError(error)}.`);
  }
  return writeViews(dir, await renderCompareHtml(reports), await renderCompareMarkdown(reports));
}

/** A sweep's comparison, into the sweep's own folder; `reports` by trial id. */
export async function writeSweepCompareViews(
  dir: string,
  record: SweepRecord,
  reports: ReadonlyMap<string, Report>,
): Promise<{ html: string; md: string }> {
  return writeViews(dir, await renderSweepCompareHtml(record, reports), await renderSweepCompareMarkdown(record, reports));
}

async function writeViews(dir: string, html: string, markdown: MarkdownView): Promise<{ html: string; md: string }> {
  await writeMarkdownView(dir, COMPARE_MD, markdown);
  await writeFileAtomic(path.join(dir, COMPARE_HTML), html);
  return { html: path.join(dir, COMPARE_HTML), md: path.join(dir, COMPARE_MD) };
}
