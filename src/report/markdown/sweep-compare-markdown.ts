/** A sweep's comparison as Markdown, with its charts as SVG files beside it; the same data as the sweep's compare.html. */
import { compareChartSpecs } from '../charts/compare-charts';
import { renderSvg } from '../charts/render-svg';
import { settingChartSpecs } from '../charts/sweep-charts';
import { comparisonNotes } from '../compare-tables';
import { MAX_TRIALS_CHARTED, SweepViewOptions } from '../html/sweep-compare-html';
import { capitalized } from '../format';
import type { Report } from '../report-json';
import { chartedTrials, compareSweep } from '../sweep-compare';
import type { SweepRecord } from '../sweep-json';
import { otherTrialsTable, runFolderHref, sweepRankingTable, sweepSummary, sweepTestNote } from '../sweep-tables';
import { escapeMarkdown, tableMarkdown } from './markdown-text';
import { CHART_DIR, MarkdownView } from './report-markdown';

export async function renderSweepCompareMarkdown(
  record: SweepRecord,
  reports: ReadonlyMap<string, Report>,
  options: SweepViewOptions = {},
): Promise<MarkdownView> {
  const sweep = compareSweep(record, reports);
  const href = options.trialHref ?? runFolderHref('md');
  const files: MarkdownView['files'] = {};
  const chart = async (name: string, spec: Parameters<typeof renderSvg>[0] | undefined, alt: string) => {
    if (!spec) return '';
    files[`${CHART_DIR}/${name}.svg`] = await renderSvg(spec);
    return `![${alt}](${CHART_DIR}/${name}.svg)`;
  };
  const ranking = sweepRankingTable(sweep, href);
  const others = otherTrialsTable(sweep, href);
  const notes = sweep.comparison ? comparisonNotes(sweep.comparison) : [];
  const settingCharts = [];
  for (const { name, path, spec } of settingChartSpecs(sweep))
    settingCharts.push(await chart(name, spec, `${record.metric} of each fold and trial against ${path}`));
  const runs = chartedTrials(sweep);
  const runSpecs = runs.length > 0 && runs.length <= MAX_TRIALS_CHARTED ? compareChartSpecs(runs) : undefined;
  const parts = [
    `# Sweep ${escapeMarkdown(record.experiment)}`,
    `${record.sweepId} · ${sweepSummary(sweep)}`,
    '## Trials, best first',
    ranking ? tableMarkdown(ranking) : 'No trial is complete yet.',
    ranking ? sweepTestNote(record.metric) : '',
    notes.map((n) => `- ${n}`).join('\n'),
    others ? `## Trials not compared\n\n${tableMarkdown(others)}` : '',
    settingCharts.length ? `## ${capitalized(record.metric)} against each swept setting\n\n${settingCharts.join(' ')}` : '',
    runSpecs ? `## Fold accuracies\n\n${await chart('fold-accuracy', runSpecs['fold-accuracy'], 'Box plots of the fold accuracies')}` : '',
    runSpecs
      ? `## Learning curves\n\n${await chart('accuracy', runSpecs.accuracy, 'Mean accuracy per epoch, range over folds')} ${await chart('loss', runSpecs.loss, 'Mean loss per epoch, range over folds')}`
      : '',
    runs.length > MAX_TRIALS_CHARTED
      ? `Learning curves and fold spreads are left out with more than ${MAX_TRIALS_CHARTED} trials; each trial's report has its own.`
      : '',
  ];
  return { markdown: `${parts.filter(Boolean).join('\n\n')}\n`, files };
}
