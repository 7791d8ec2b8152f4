/** A comparison of runs as a self-contained HTML page, rendered from their report.json files alone. */
import { compareChartSpecs } from '../charts/compare-charts';
import { renderSvg } from '../charts/render-svg';
import { compareRuns, runLabels } from '../compare';
import { comparisonNotes, comparisonTable, configDifferenceTable } from '../compare-tables';
import type { Report } from '../report-json';
import { chartHtml, escapeHtml, htmlPage, sectionHtml, tableHtml } from './html-page';

export async function renderCompareHtml(reports: readonly Report[]): Promise<string> {
  const comparison = compareRuns(reports);
  const labels = runLabels(reports);
  const runs = reports.map((report, i) => ({ label: labels[i], report }));
  const charts: Record<string, string> = {};
  for (const [name, spec] of Object.entries(compareChartSpecs(runs))) if (spec) charts[name] = chartHtml(name, await renderSvg(spec));
  const notes = comparisonNotes(comparison);
  const differentData = comparison.rows.filter((r) => r.differentData);
  const differences = configDifferenceTable(comparison);
  const body = [
    `<h1>${escapeHtml(labels.join(' vs '))}</h1>`,
    `<p class="description">${reports.map((r, i) => `${escapeHtml(labels[i])}: run ${escapeHtml(r.experiment.runId)}${r.experiment.description ? `, ${escapeHtml(r.experiment.description)}` : ''}`).join('<br>')}</p>`,
    differentData.length
      ? `<p class="warning">${differentData.map((r) => escapeHtml(r.label)).join(', ')} ${differentData.length === 1 ? 'was' : 'were'} trained on other data than ${escapeHtml(labels[0])}: the difference mixes the data with the model.</p>`
      : '',
    sectionHtml(
      'table',
      'Accuracy',
      `<div class="scroll">${tableHtml(comparisonTable(comparison), ' id="comparison" class="nowrap"')}</div>
<p class="note">Mean and std (population) of the fold accuracies; Δ in percentage points against the first run. When two runs share their folds (same data, split, seed and fold count) the test is the corrected resampled paired t-test of Nadeau and Bengio, which allows for the overlap of k-fold training sets; otherwise Welch's t-test. Two-sided p-values.</p>
${notes.length ? `<ul class="note">${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}`,
    ),
    sectionHtml('spread', 'Fold accuracies', charts['fold-accuracy']),
    sectionHtml('curves', 'Learning curves', `<div class="charts">${[charts.accuracy, charts.loss].filter(Boolean).join('')}</div>`),
    charts['class-f1'] ? sectionHtml('classes', 'F1 per class', charts['class-f1']) : '',
    sectionHtml(
      'config',
      'Config differences',
      differences
        ? tableHtml(differences, ' id="config-differences"')
        : '<p class="note">The resolved configs are the same (or not recorded in older reports).</p>',
    ),
  ];
  return htmlPage(`Compare ${labels.join(' vs ')}`, body.filter(Boolean).join('\n'));
}
