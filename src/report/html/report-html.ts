/** One run's report as a self-contained HTML page, rendered from its report.json alone. */
import { stringify } from 'yaml';
import { renderSvg } from '../charts/render-svg';
import { runChartSpecs } from '../charts/run-charts';
import { percent } from '../format';
import type { Report } from '../report-json';
import {
  accuracyFacts,
  changesTable,
  classTable,
  environmentTable,
  epochTable,
  foldTable,
  headerFacts,
  modelTable,
  timingTable,
} from '../report-tables';
import { chartHtml, escapeHtml, factsHtml, htmlPage, sectionHtml, tableHtml } from './html-page';

export interface ReportViewOptions {
  /** The run's state from status.json, when the caller has it. */
  status?: string;
}

export async function renderReportHtml(report: Report, options: ReportViewOptions = {}): Promise<string> {
  const specs = runChartSpecs(report);
  const charts: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) if (spec) charts[name] = chartHtml(name, await renderSvg(spec));
  const { experiment } = report;
  const sections = [
    `<h1>${escapeHtml(experiment.name)}</h1>`,
    experiment.description ? `<p class="description">${escapeHtml(experiment.description)}</p>` : '',
    factsHtml(headerFacts(report, options.status)),
    sectionHtml(
      'accuracy',
      'Accuracy',
      `<div class="headline">${factsHtml(accuracyFacts(report), { 'mean accuracy': 'summary-accuracy' })}</div>
<p class="note">± is the population standard deviation over the folds (as the Keras tutorial reports it); the interval is Student's t over the fold accuracies.</p>
${tableHtml(foldTable(report), ' id="folds"')}`,
    ),
    sectionHtml('curves', 'Learning curves', `<div class="charts">${[charts.accuracy, charts.loss].filter(Boolean).join('')}</div>`),
    sectionHtml('spread', 'Spread of fold accuracies', charts['fold-accuracy'] ?? '<p class="note">No fold was scored.</p>'),
    report.predictions
      ? sectionHtml(
          'confusion',
          'Confusion matrix',
          `${charts.confusion}<p class="note">Each fold's model on its own validation samples, summed over folds: ${report.predictions.samples.toLocaleString('en-US')} predictions.</p>`,
        )
      : '',
    classTable(report) ? sectionHtml('classes', 'Precision, recall and F1 per class', tableHtml(classTable(report)!, ' id="classes-table"')) : '',
    report.predictions ? sectionHtml('misclassified', 'Most confident mistakes', galleryHtml(report)) : '',
    sectionHtml('model', 'Model', tableHtml(modelTable(report))),
    sectionHtml('config', 'Config', configHtml(report)),
    sectionHtml('environment', 'Environment', tableHtml(environmentTable(report))),
    sectionHtml(
      'timing',
      'Timing',
      `${tableHtml(timingTable(report))}<details><summary>Every epoch</summary>${tableHtml(epochTable(report))}</details>`,
    ),
  ];
  return htmlPage(`${experiment.name} · ${experiment.runId}`, sections.filter(Boolean).join('\n'));
}

function galleryHtml(report: Report): string {
  const entries = report.predictions!.misclassified;
  if (entries.length === 0) return '<p class="note">No validation sample was misclassified.</p>';
  const figures = entries.map(
    (m) => `<figure><img alt="sample ${m.sampleIndex}: a ${m.label} taken for a ${m.predicted}" src="data:image/png;base64,${m.png}">
<figcaption><span class="label">${m.label} → ${m.predicted}</span><br>${percent(m.confidence, 1)} sure<br>fold ${(m.fold ?? 0) + 1} · #${m.sampleIndex}</figcaption></figure>`,
  );
  return `<p class="note">The ${entries.length} validation images the models got wrong with the highest confidence: true class → predicted class, the probability given to the prediction, the fold and the sample's index in the data.</p>
<div class="gallery">${figures.join('\n')}</div>`;
}

function configHtml(report: Report): string {
  const config = report.config;
  if (!config) return '<p class="note">This report predates recorded configs; see config.resolved.yaml in the run folder.</p>';
  const chain = config.extends.map((f) => `<code>${escapeHtml(f)}</code>`).join(' extends ');
  const changes = changesTable(report);
  const changed = changes
    ? `<p>What it changes relative to <code>${escapeHtml(config.extends[1])}</code>:</p>${tableHtml(changes, ' id="changes"')}`
    : config.changesUnavailable
      ? `<p class="note">The changes relative to the parent config cannot be shown: ${escapeHtml(config.changesUnavailable)}</p>`
      : config.extends.length > 1
        ? '<p class="note">It changes nothing relative to the config it extends.</p>'
        : '';
  return `<p>${chain}</p>${changed}<details><summary>Resolved config</summary><pre>${escapeHtml(stringify(config.resolved))}</pre></details>`;
}
