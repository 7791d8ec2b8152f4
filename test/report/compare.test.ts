/** `pipeline compare` and compareRuns: which test each pair gets, different data flagged, incomplete runs refused. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Comparison, compareRuns } from '../../src/report/compare';
import type { Report } from '../../src/report/report-json';
import { correctedPairedTTest, welchTTest } from '../../src/report/significance';
import { pipeline } from '../support/cli';
import { readReport } from '../support/run-files';
import { STUDY_TIMEOUT, toyStudy } from '../support/toy-study';

describe('compare', () => {
  let study: ReturnType<typeof toyStudy>;
  let reports: { base: Report; toy: Report; reseeded: Report };
  const accuracies = (r: Report) => r.folds.map((f) => f.accuracy!);

  before(function () {
    this.timeout(STUDY_TIMEOUT);
    study = toyStudy();
    reports = { base: readReport(study.runs.base), toy: readReport(study.runs.toy), reseeded: readReport(study.runs.reseeded) };
  });

  it('pairs runs that share their folds (corrected t-test) and falls back to Welch when the seed changes the split', () => {
    const { rows, configDifferences } = compareRuns([reports.base, reports.toy, reports.reseeded]);
    assert.deepEqual(
      rows.map((r) => [r.label, r.pairedWithFirst, r.test?.kind]),
      [
        ['base', undefined, undefined],
        ['toy', true, 'corrected-paired'],
        ['reseeded', false, 'welch'],
      ],
    );
    // k = 2 folds of equal size: n_test / n_train = 1.
    assert.deepEqual(rows[1].test, correctedPairedTTest(accuracies(reports.toy), accuracies(reports.base), 1));
    assert.deepEqual(rows[2].test, welchTTest(accuracies(reports.reseeded), accuracies(reports.base)));
    assert.ok(Math.abs(rows[1].delta! - (reports.toy.summary.accuracy.mean - reports.base.summary.accuracy.mean)) < 1e-12);
    assert.deepEqual(rows[2].notes, ["folds differ from base's (seed 3 vs 4): unpaired test"]);
    assert.deepEqual(configDifferences, [
      { path: 'seed', values: [3, 3, 4] },
      { path: 'training.epochs', values: [2, 1, 1] },
    ]);
  });

  it('flags a run on other data and does not pair it', () => {
    const other: Report = {
      ...reports.toy,
      data: { ...reports.toy.data, files: reports.toy.data.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) },
    };
    const [, row] = compareRuns([reports.base, other]).rows;
    assert.deepEqual(
      [row.differentData, row.pairedWithFirst, row.test?.kind, row.notes],
      [true, false, 'welch', ['trained on different data than base']],
    );
  });

  it('prints the table, writes compare.html and compare.md under experiments/_compare/', () => {
    const result = pipeline(['compare', 'base', 'toy', 'reseeded'], study.cwd);
    assert.equal(result.status, 0, result.stderr);
    const [header, , ...lines] = result.stdout.split('\n');
    assert.match(header, /^experiment +folds +mean +std +95% CI +Δ vs first +p-value +test +train time +images\/s$/);
    assert.match(lines[1], /^toy +2 +\d+\.\d{3}% +\d+\.\d{3} .* [+−]\d+\.\d{3} pp +\d\.\d{3} +corrected paired t \(Nadeau–Bengio\) /);
    assert.match(lines[2], /^reseeded .* Welch's t /);
    const written = /wrote (experiments\/_compare\/\d{8}-\d{6}-base-vs-toy-vs-reseeded)\/compare\.html/.exec(result.stdout);
    assert.ok(written, result.stdout);
    const html = fs.readFileSync(path.join(study.cwd, written[1], 'compare.html'), 'utf8');
    for (const chart of ['fold-accuracy', 'accuracy', 'loss', 'class-f1']) assert.match(html, new RegExp(`data-chart="${chart}"><svg`));
    const md = fs.readFileSync(path.join(study.cwd, written[1], 'compare.md'), 'utf8');
    for (const link of [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]))
      assert.ok(fs.existsSync(path.join(study.cwd, written[1], link)), link);
  });

  it('--json prints the rows, the config differences and the files written; --md the table', () => {
    const out = path.join(study.cwd, 'cmp-json');
    const result = pipeline(['compare', 'base', 'toy', '--json', '--out', out], study.cwd);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout) as Comparison & { files: { html: string; md: string } };
    assert.deepEqual(Object.keys(json), ['rows', 'configDifferences', 'files']);
    assert.deepEqual(Object.keys(json.rows[1]), [
      'label',
      'experiment',
      'runId',
      'folds',
      'mean',
      'std',
      'interval',
      'notes',
      'trainSeconds',
      'trainImagesPerSecond',
      'delta',
      'pairedWithFirst',
      'differentData',
      'test',
    ]);
    assert.deepEqual(Object.keys(json.rows[1].test!), ['kind', 'name', 'df', 'statistic', 'pValue']);
    assert.equal(json.rows[1].mean, reports.toy.summary.accuracy.mean);
    assert.deepEqual(json.files, { html: path.join(out, 'compare.html'), md: path.join(out, 'compare.md') });
    assert.ok(fs.existsSync(json.files.html));
    const md = pipeline(['compare', 'base', 'toy', '--md', '--out', out], study.cwd);
    assert.match(
      md.stdout,
      /^\| experiment \| folds \| mean \| std \| 95% CI \| Δ vs first \| p-value \| test \| train time \| images\/s \|\n\| --- \| ---: \|/,
    );
  });

  it('refuses runs that are not complete, naming their state', () => {
    const dir = path.join(study.cwd, 'experiments', 'halted', '20261201-120000-abcd');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'status.json'),
      JSON.stringify({ state: 'interrupted', runId: '20261201-120000-abcd', experiment: 'halted', pid: 0 }),
    );
    const byName = pipeline(['compare', 'base', 'halted'], study.cwd);
    assert.equal(byName.status, 2);
    assert.match(byName.stderr, /error Experiment "halted" has no complete run: 20261201-120000-abcd is interrupted\.\n/);
    const byId = pipeline(['compare', 'base', 'halted/20261201-120000-abcd'], study.cwd);
    assert.equal(byId.status, 2);
    assert.match(byId.stderr, /error Run halted\/20261201-120000-abcd is interrupted, not complete; only complete runs can be compared\.\n/);
    assert.match(pipeline(['compare', 'base'], study.cwd).stderr, /Name two or more runs to compare\./);
  });
});
