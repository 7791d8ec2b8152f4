/** The report views the web app shows, all rendered by src/report from report.json (or, for a run under way, its log). */
import { promises as fs } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { ExperimentSpec } from '../config/experiment-spec';
import { renderSvg } from '../report/charts/render-svg';
import { CurveMetric, learningCurveSpec } from '../report/charts/run-charts';
import { renderCompareHtml } from '../report/html/compare-html';
import { chartHtml } from '../report/html/html-page';
import { renderReportHtml } from '../report/html/report-html';
import { renderSweepCompareHtml } from '../report/html/sweep-compare-html';
import type { Report } from '../report/report-json';
import type { SweepRecord } from '../report/sweep-json';
import type { RunProgress } from './run-progress';

export async function runReportDocument(report: Report, status: string): Promise<string> {
  return renderReportHtml(report, { status });
}

/** `pipeline compare`'s view of the runs; links in it open in the whole window, not the app's frame. */
export async function compareDocument(reports: Report[]): Promise<string> {
  return (await renderCompareHtml(reports)).replace('<head>', '<head>\n<base target="_top">');
}

/** A sweep's comparison, its trials linked to their pages in the app (opened in the whole window, not the frame). */
export async function sweepCompareDocument(record: SweepRecord, reports: ReadonlyMap<string, Report>): Promise<string> {
  const html = await renderSweepCompareHtml(record, reports, {
    trialHref: (trial) => (trial.run ? `/runs/${trial.run.split('/').map(encodeURIComponent).join('/')}` : undefined),
  });
  return html.replace('<head>', '<head>\n<base target="_top">');
}

/** The learning curves so far of a run under way (the report's own chart specs, fed from log.jsonl), and a table of epochs done. */
export async function liveCurvesHtml(progress: RunProgress, runDir: string): Promise<string> {
  const rows = progress.folds.map((f) => {
    const last = f.history[f.history.length - 1];
    return `<tr><td>fold ${f.fold + 1}</td><td class="num">${f.history.length}/${f.epochs}</td><td class="num">${last ? last.train.loss.toFixed(4) : ''}</td><td class="num">${last?.validation.accuracy !== undefined ? (100 * last.validation.accuracy).toFixed(2) : ''}</td></tr>`;
  });
  const table = `<table class="epochs"><thead><tr><th>fold</th><th class="num">epochs</th><th class="num">train loss</th><th class="num">validation accuracy (%)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  if (progress.folds.length === 0) return `${table}<p class="muted">No epoch has finished yet.</p>`;
  const resolved = await readResolvedConfig(runDir);
  const source = { folds: progress.folds, ...(resolved ? { config: { resolved } } : {}) };
  const charts = [];
  for (const metric of ['accuracy', 'loss'] as CurveMetric[]) charts.push(chartHtml(metric, await renderSvg(learningCurveSpec(source, metric))));
  return `<div class="charts">${charts.join('')}</div>${table}`;
}

async function readResolvedConfig(runDir: string): Promise<ExperimentSpec | undefined> {
  try {
    return parse(await fs.readFile(path.join(runDir, 'config.resolved.yaml'), 'utf8')) as ExperimentSpec;
  } catch {
    return undefined;
  }
}
