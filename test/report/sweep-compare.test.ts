/** A sweep's comparison from its sweep.json and its trials' reports: ranking by the sweep's metric, trials not compared, setting charts. */
import { strict as assert } from 'assert';
import { renderSvg } from '../../src/report/charts/render-svg';
import { settingChartSpecs } from '../../src/report/charts/sweep-charts';
import { renderSweepCompareHtml } from '../../src/report/html/sweep-compare-html';
import { renderSweepCompareMarkdown } from '../../src/report/markdown/sweep-compare-markdown';
import type { Report } from '../../src/report/report-json';
import { compareSweep } from '../../src/report/sweep-compare';
import type { SweepRecord, TrialRecord, TrialState } from '../../src/report/sweep-json';
import { fixtureReport } from '../support/run-fixtures';

const trial = (id: string, settings: Record<string, unknown>, state: TrialState = 'complete'): TrialRecord => ({
  id,
  name: `toy.${id}`,
  settings: Object.entries(settings).map(([path, value]) => ({ path, value })),
  overrides: [],
  state,
  // A pending trial has no run folder yet.
  ...(state === 'pending' ? {} : { run: `toy.${id}/20260101-10000${id.slice(1)}-abcd` }),
});

/** A complete trial's report with these fold accuracies and losses. */
function report(id: string, accuracies: number[], losses: number[] = accuracies.map(() => 0.3)): Report {
  const base = fixtureReport({ experiment: `toy.${id}`, runId: `20260101-10000${id.slice(1)}-abcd`, state: 'complete', accuracies });
  return { ...base, folds: base.folds.map((f, i) => ({ ...f, loss: losses[i], scores: { accuracy: accuracies[i], loss: losses[i] } })) };
}

const sweep = (metric: string, goal: SweepRecord['goal'], parameters: string[], trials: TrialRecord[]): SweepRecord => ({
  sweepId: '20260101-095900-ffff',
  experiment: 'toy',
  configFile: 'toy.yaml',
  metric,
  goal,
  parameters,
  trials,
});

describe('sweep comparison', () => {
  it("ranks by a loss lowest first, in the loss's own numbers, and lists interrupted and pending trials with their state", async () => {
    const record = sweep(
      'loss',
      'minimize',
      ['training.batchSize'],
      [
        trial('t1', { 'training.batchSize': 16 }),
        trial('t2', { 'training.batchSize': 32 }),
        trial('t3', { 'training.batchSize': 64 }, 'interrupted'),
        trial('t4', { 'training.batchSize': 128 }, 'pending'),
      ],
    );
    const reports = new Map([
      ['t1', report('t1', [0.9, 0.92], [0.3, 0.32])],
      ['t2', report('t2', [0.88, 0.9], [0.2, 0.22])],
    ]);
    const html = await renderSweepCompareHtml(record, reports);
    const rows = [
      ...html
        .split('<table id="ranking">')[1]
        .split('<tbody>')[1]
        .split('</table>')[0]
        .matchAll(/<tr>(.*?)<\/tr>/g),
    ].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, '')));
    assert.deepEqual(
      rows.map((r) => r.slice(0, 6)),
      [
        ['1', 't2', '32', '2', '0.2100', '0.0100'],
        ['2', 't1', '16', '2', '0.3100', '0.0100'],
      ],
    );
    assert.equal(rows[1][7], '+0.1000', "Δ against the best, in the loss's units");
    assert.match(html, /<tr><td><a href="\.\.\/\.\.\/\.\.\/toy\.t3\/[^"]+\/">t3<\/a><\/td><td>64<\/td><td>interrupted<\/td>/);
    assert.match(html, /<td>t4<\/td><td>128<\/td><td>pending<\/td>/);
    assert.match(
      html,
      /4 trials \(2 complete, 1 interrupted, 1 pending\), ranked by loss, lower is better\. Best: t2 toy\.t2 \(batchSize 32\), loss 0\.2100 ± 0\.0100\./,
    );
    const md = await renderSweepCompareMarkdown(record, reports);
    assert.match(md.markdown, /^\| 1 \| \[t2\]\(\.\.\/\.\.\/\.\.\/toy\.t2\/20260101-100002-abcd\/report\.md\) \| 32 \| 2 \| 0\.2100 \|/m);
    assert.deepEqual(Object.keys(md.files).sort(), [
      'charts/accuracy.svg',
      'charts/fold-accuracy.svg',
      'charts/loss.svg',
      'charts/setting-training_batchSize.svg',
    ]);
  });

  it('puts a setting spanning two decades on a log axis, others on a linear one, with units; other settings tell the lines apart', async () => {
    const lr = (values: number[]) =>
      compareSweep(
        sweep(
          'accuracy',
          'maximize',
          ['training.optimizer.learningRate', 'training.batchSize'],
          values.flatMap((v, i) => [
            trial(`t${2 * i + 1}`, { 'training.optimizer.learningRate': v, 'training.batchSize': 16 }),
            trial(`t${2 * i + 2}`, { 'training.optimizer.learningRate': v, 'training.batchSize': 32 }),
          ]),
        ),
        new Map(
          values.flatMap(
            (_, i) =>
              [
                [`t${2 * i + 1}`, report(`t${2 * i + 1}`, [0.8 + i / 20, 0.81])],
                [`t${2 * i + 2}`, report(`t${2 * i + 2}`, [0.7 + i / 20, 0.72])],
              ] as [string, Report][],
          ),
        ),
      );
    const [wide, batch] = settingChartSpecs(lr([0.1, 0.01, 0.001]));
    const x = (chart: typeof wide) => (chart.spec as { encoding: { x: { title: string; scale: { type?: string } } } }).encoding.x;
    assert.deepEqual([x(wide).title, x(wide).scale.type], ['learningRate, log scale', 'log']);
    assert.deepEqual([x(batch).title, x(batch).scale.type], ['batchSize (samples per batch)', undefined]);
    const [narrow] = settingChartSpecs(lr([0.1, 0.05, 0.01]));
    assert.deepEqual([x(narrow).title, x(narrow).scale.type], ['learningRate', undefined]);
    const svg = await renderSvg(wide.spec);
    for (const text of ['Accuracy against learningRate', 'learningRate, log scale', 'accuracy (%)', 'batchSize 16', 'batchSize 32'])
      assert.ok(svg.includes(`>${text}<`), text);
  });
});
