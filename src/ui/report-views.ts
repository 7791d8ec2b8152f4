/**
 * The report views the web app embeds, each a whole HTML document rendered from report.json files.
 * Placeholder: headline figures only, until the report renderers of src/report take their place.
 */
import { escapeHtml } from './pages/layout';
import type { RunProgress } from './run-progress';

interface ReportHeadline {
  experiment?: { name?: string; runId?: string };
  summary?: { accuracy?: { mean: number; std: number } };
}

export async function runReportDocument(report: ReportHeadline): Promise<string> {
  return documentOf(`${report.experiment?.name}/${report.experiment?.runId}`, `<pre>${escapeHtml(JSON.stringify(report.summary ?? {}, null, 2))}</pre>`);
}

export async function compareDocument(reports: ReportHeadline[]): Promise<string> {
  const rows = reports.map((r) => `<tr><td>${escapeHtml(`${r.experiment?.name}/${r.experiment?.runId}`)}</td><td>${r.summary?.accuracy ? (100 * r.summary.accuracy.mean).toFixed(2) : ''}</td></tr>`);
  return documentOf('compare', `<table>${rows.join('')}</table>`);
}

/** The curves so far of a run under way, as an HTML fragment. */
export async function liveCurvesHtml(progress: RunProgress): Promise<string> {
  const rows = progress.folds.map((f) => {
    const last = f.history[f.history.length - 1];
    return `<tr><td>fold ${f.fold + 1}</td><td class="num">${f.history.length}/${f.epochs}</td><td class="num">${last ? last.train.loss.toFixed(4) : ''}</td><td class="num">${last?.validation.accuracy !== undefined ? (100 * last.validation.accuracy).toFixed(2) : ''}</td></tr>`;
  });
  return `<table class="epochs"><thead><tr><th>fold</th><th class="num">epochs</th><th class="num">train loss</th><th class="num">validation accuracy (%)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function documentOf(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}
