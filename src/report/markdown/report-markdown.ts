/** One run's report as Markdown for code review and git hosts: tables inline, charts and gallery images as files beside it. */
import { stringify } from 'yaml';
import { renderSvg } from '../charts/render-svg';
import { runChartSpecs } from '../charts/run-charts';
import { percent } from '../format';
import type { ReportViewOptions } from '../html/report-html';
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
import { escapeMarkdown, factsMarkdown, tableMarkdown } from './markdown-text';

/** The Markdown text and the files it links to, by path relative to the Markdown file. */
export interface MarkdownView {
  markdown: string;
  files: Record<string, string | Buffer>;
}

export const CHART_DIR = 'charts';

export async function renderReportMarkdown(report: Report, options: ReportViewOptions = {}): Promise<MarkdownView> {
  const files: Record<string, string | Buffer> = {};
  const chart = async (name: keyof ReturnType<typeof runChartSpecs>, alt: string) => {
    const spec = runChartSpecs(report)[name];
    if (!spec) return '';
    files[`${CHART_DIR}/${name}.svg`] = await renderSvg(spec);
    return `![${alt}](${CHART_DIR}/${name}.svg)`;
  };
  const { experiment } = report;
  const parts = [
    `# ${escapeMarkdown(experiment.name)}`,
    experiment.description ?? '',
    factsMarkdown(headerFacts(report, options.status)),
    '## Accuracy',
    factsMarkdown(accuracyFacts(report)),
    "± is the population standard deviation over the folds; the interval is Student's t over the fold accuracies.",
    tableMarkdown(foldTable(report)),
    '## Learning curves',
    `${await chart('accuracy', 'Accuracy per epoch, train and validation, every fold')} ${await chart('loss', 'Loss per epoch, train and validation, every fold')}`,
    '## Spread of fold accuracies',
    await chart('fold-accuracy', 'Box plot of the fold accuracies'),
  ];
  if (report.predictions) {
    parts.push('## Confusion matrix', await chart('confusion', 'Confusion matrix of the validation predictions, all folds'));
    parts.push('## Precision, recall and F1 per class', tableMarkdown(classTable(report)!));
    parts.push('## Most confident mistakes', galleryMarkdown(report, files));
  }
  parts.push('## Model', tableMarkdown(modelTable(report)));
  parts.push('## Config', configMarkdown(report));
  parts.push('## Environment', tableMarkdown(environmentTable(report)));
  parts.push(
    '## Timing',
    tableMarkdown(timingTable(report)),
    '<details><summary>Every epoch</summary>\n',
    tableMarkdown(epochTable(report)),
    '\n</details>',
  );
  return { markdown: `${parts.filter(Boolean).join('\n\n')}\n`, files };
}

function galleryMarkdown(report: Report, files: MarkdownView['files']): string {
  const entries = report.predictions!.misclassified;
  if (entries.length === 0) return 'No validation sample was misclassified.';
  const rows = entries.map((m, i) => {
    const file = `${CHART_DIR}/misclassified-${String(i + 1).padStart(2, '0')}.png`;
    files[file] = Buffer.from(m.png, 'base64');
    return [
      `![${m.label} taken for ${m.predicted}](${file})`,
      `${m.label} → ${m.predicted}`,
      percent(m.confidence, 1),
      String((m.fold ?? 0) + 1),
      String(m.sampleIndex),
    ];
  });
  return tableMarkdown({ headers: ['image', 'true → predicted', 'confidence', 'fold', 'sample'], numeric: [2, 3, 4], rows });
}

function configMarkdown(report: Report): string {
  const config = report.config;
  if (!config) return 'This report predates recorded configs; see config.resolved.yaml in the run folder.';
  const changes = changesTable(report);
  return [
    config.extends.map((f) => `\`${f}\``).join(' extends '),
    changes ? `What it changes relative to \`${config.extends[1]}\`:\n\n${tableMarkdown(changes)}` : (config.changesUnavailable ?? ''),
    `<details><summary>Resolved config</summary>\n\n\`\`\`yaml\n${stringify(config.resolved)}\`\`\`\n\n</details>`,
  ]
    .filter(Boolean)
    .join('\n\n');
}
