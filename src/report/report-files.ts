/** Writes a run's views beside its report.json: report.html, report.md and the files report.md links to. */
import { promises as fs } from 'fs';
import * as path from 'path';
import { RunError } from '../errors';
import { describeFsError, writeFileAtomic } from '../pipeline/atomic-write';
import { renderReportHtml, ReportViewOptions } from './html/report-html';
import { MarkdownView, renderReportMarkdown } from './markdown/report-markdown';
import type { Report } from './report-json';

export const REPORT_JSON = 'report.json';
export const REPORT_HTML = 'report.html';
export const REPORT_MD = 'report.md';

export async function writeReportViews(dir: string, report: Report, options: ReportViewOptions = {}): Promise<string[]> {
  const html = await renderReportHtml(report, options);
  const markdown = await renderReportMarkdown(report, options);
  await writeMarkdownView(dir, REPORT_MD, markdown);
  await writeFileAtomic(path.join(dir, REPORT_HTML), html);
  return [path.join(dir, REPORT_HTML), path.join(dir, REPORT_MD)];
}

/** The linked files first, so the Markdown never points at a file not yet there. */
export async function writeMarkdownView(dir: string, name: string, view: MarkdownView): Promise<void> {
  for (const [file, content] of Object.entries(view.files)) {
    const target = path.join(dir, file);
    await fs.mkdir(path.dirname(target), { recursive: true }).catch((error: unknown) => {
      throw new RunError(`Cannot create ${path.dirname(target)}: ${describeFsError(error)}.`);
    });
    await writeFileAtomic(target, content);
  }
  await writeFileAtomic(path.join(dir, name), view.markdown);
}

/** Reads a run's report.json, saying which run and why when it cannot. */
export async function readReport(dir: string): Promise<Report> {
  const file = path.join(dir, REPORT_JSON);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new RunError(`Cannot read ${file}: ${describeFsError(error)}.`);
  }
  try {
    return JSON.parse(text) as Report;
  } catch (error) {
    throw new RunError(`${file} is not valid JSON: ${(error as Error).message}.`);
  }
}
