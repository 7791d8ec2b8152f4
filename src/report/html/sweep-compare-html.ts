/** A sweep's comparison as a self-contained HTML page, rendered from its sweep.json and its trials' report.json files alone. */
import { compareChartSpecs } from '../charts/compare-charts';
import { renderSvg } from '../charts/render-svg';
import { settingChartSpecs } from '../charts/sweep-charts';
import { comparisonNotes } from '../compare-tables';
import { capitalized } from '../format';
import type { Report } from '../report-json';
import { chartedTrials, compareSweep } from '../sweep-compare';
import type { SweepRecord } from '../sweep-json';
import { otherTrialsTable, runFolderHref, sweepRankingTable, sweepSummary, sweepTestNote, TrialHref } from '../sweep-tables';
import { chartHtml, escapeHtml, htmlPage, sectionHtml, tableHtml } from './html-page';

/** Beyond this many trials the runs' curves and boxes crowd one chart past reading (and past the palette). */
export const MAX_TRIALS_CHARTED = 8;

export interface SweepViewOptions {
  /** Where each trial's report is; by default, relative to the sweep's own folder. */
  trialHref?: TrialHref;
}

/** `reports` by trial id: the report.json of each complete trial. */
export async function renderSweepCompareHtml(
  record: SweepRecord,
  reports: ReadonlyMap<string, Report>,
  options: SweepViewOptions = {},
): Promise<string> {
  const sweep = compareSweep(record, reports);
  const href = options.trialHref ?? runFolderHref('html');
  const ranking = sweepRankingTable(sweep, href);
  const others = otherTrialsTable(sweep, href);
  const settingCharts = await Promise.all(settingChartSpecs(sweep).map(async ({ name, spec }) => chartHtml(name, await renderSvg(spec))));
  const runs = chartedTrials(sweep);
  const runCharts: Record<string, string> = {};
  if (runs.length > 0 && runs.length <= MAX_TRIALS_CHARTED)
    for (const [name, spec] of Object.entries(compareChartSpecs(runs))) if (spec) runCharts[name] = chartHtml(name, await renderSvg(spec));
  const notes = sweep.comparison ? comparisonNotes(sweep.comparison) : [];
  const body = [
    `<h1>Sweep ${escapeHtml(record.experiment)}</h1>`,
    `<p class="description">${escapeHtml(record.sweepId)} · ${escapeHtml(sweepSummary(sweep))}</p>`,
    sectionHtml(
      'ranking',
      'Trials, best first',
      ranking
        ? `<div class="scroll">${tableHtml(ranking, ' id="ranking"')}</div>
<p class="note">${escapeHtml(sweepTestNote(record.metric))}</p>
${notes.length ? `<ul class="note">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`
        : '<p class="note">No trial is complete yet.</p>',
    ),
    others ? sectionHtml('not-compared', 'Trials not compared', tableHtml(others, ' id="not-compared"')) : '',
    settingCharts.length
      ? sectionHtml('settings', `${capitalized(record.metric)} against each swept setting`, `<div class="charts">${settingCharts.join('')}</div>`)
      : '',
    runCharts['fold-accuracy'] ? sectionHtml('spread', 'Fold accuracies', runCharts['fold-accuracy']) : '',
    runCharts.loss
      ? sectionHtml('curves', 'Learning curves', `<div class="charts">${[runCharts.accuracy, runCharts.loss].filter(Boolean).join('')}</div>`)
      : '',
    runs.length > MAX_TRIALS_CHARTED
      ? `<p class="note">Learning curves and fold spreads are left out with more than ${MAX_TRIALS_CHARTED} trials; each trial's report has its own.</p>`
      : '',
  ];
  return htmlPage(`Sweep ${record.experiment} · ${record.sweepId}`, body.filter(Boolean).join('\n'));
}
