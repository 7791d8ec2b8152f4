/** Writes a comparison's compare.html and compare.md (with its charts) into a folder of its own. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { RunError } from '../errors';
import { describeFsError, writeFileAtomic } from '../atomic-write';
import { runLabels } from './compare';
import { renderCompareHtml } from './html/compare-html';
import { renderCompareMarkdown } from './markdown/compare-markdown';
import type { Report } from './report-json';
import { writeMarkdownView } from './report-files';

export const COMPARE_DIR = '_compare';

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
  const html = path.join(dir, 'compare.html');
  const md = path.join(dir, 'compare.md');
  await writeMarkdownView(dir, 'compare.md', await renderCompareMarkdown(reports));
  await writeFileAtomic(html, await renderCompareHtml(reports));
  return { html, md };
}
