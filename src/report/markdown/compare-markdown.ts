/** A comparison of runs as Markdown, with its charts as SVG files beside it; the same data as compare.html. */
import { compareChartSpecs } from '../charts/compare-charts';
import { renderSvg } from '../charts/render-svg';
import { compareRuns, runLabels } from '../compare';
import { comparisonNotes, comparisonTable, configDifferenceTable } from '../compare-tables';
import type { Report } from '../report-json';
import { tableMarkdown } from './markdown-text';
import { CHART_DIR, MarkdownView } from './report-markdown';

/** The comparison table and its notes alone: what `pipeline compare --md` prints. */
export function compareTableMarkdown(reports: readonly Report[]): string {
  const comparison = compareRuns(reports);
  const notes = comparisonNotes(comparison);
  return [tableMarkdown(comparisonTable(comparison)), ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}

export async function renderCompareMarkdown(reports: readonly Report[]): Promise<MarkdownView> {
  const labels = runLabels(reports);
  const specs = compareChartSpecs(reports.map((report, i) => ({ label: labels[i], report })));
  const files: MarkdownView['files'] = {};
  const chart = async (name: keyof typeof specs, alt: string) => {
    if (!specs[name]) return '';
    files[`${CHART_DIR}/${name}.svg`] = await renderSvg(specs[name]);
    return `![${alt}](${CHART_DIR}/${name}.svg)`;
  };
  const differences = configDifferenceTable(compareRuns(reports));
  const parts = [
    `# ${labels.join(' vs ')}`,
    reports
      .map((r, i) => `- **${labels[i]}**: run ${r.experiment.runId}${r.experiment.description ? `, ${r.experiment.description}` : ''}`)
      .join('\n'),
    '## Accuracy',
    compareTableMarkdown(reports),
    "Δ in percentage points against the first run. Runs that share their folds are compared with the corrected resampled paired t-test (Nadeau–Bengio), others with Welch's t-test; two-sided p-values.",
    '## Fold accuracies',
    await chart('fold-accuracy', 'Box plots of the fold accuracies'),
    '## Learning curves',
    `${await chart('accuracy', 'Mean accuracy per epoch, range over folds')} ${await chart('loss', 'Mean loss per epoch, range over folds')}`,
    await chart('class-f1', 'F1 per class'),
    '## Config differences',
    differences ? tableMarkdown(differences) : 'The resolved configs are the same (or not recorded in older reports).',
  ];
  return { markdown: `${parts.filter(Boolean).join('\n\n')}\n`, files };
}
