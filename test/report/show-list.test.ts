/** `pipeline show` (a run's summary with sparklines) and `pipeline list` filters and sorting. */
import { strict as assert } from 'assert';
import { sparkline } from '../../src/report/terminal/run-text';
import { pipeline } from '../support/cli';
import { readReport } from '../support/run-files';
import { STUDY_TIMEOUT, toyStudy } from '../support/toy-study';

describe('show and list', () => {
  let study: ReturnType<typeof toyStudy>;
  before(function () {
    this.timeout(STUDY_TIMEOUT);
    study = toyStudy();
  });

  it('draws a sparkline scaled to the range it is given', () => {
    assert.equal(sparkline([0, 0.5, 1], 0, 1), '▁▅█');
    assert.equal(sparkline([0.9, 0.9], 0.9, 0.9), '██', 'a flat range draws full bars');
  });

  it('pipeline show prints the summary of the latest complete run, one sparkline per fold and epoch', () => {
    const result = pipeline(['show', 'base'], study.cwd);
    assert.equal(result.status, 0, result.stderr);
    const report = readReport(study.runs.base);
    assert.match(result.stdout, /^base: toy experiment for tests\n/);
    assert.match(
      result.stdout,
      new RegExp(`\\n  mean accuracy +${(100 * report.summary.accuracy.mean).toFixed(3)}% ± ${(100 * report.summary.accuracy.std).toFixed(3)} pp\\n`),
    );
    assert.match(result.stdout, new RegExp(`\\n  run +${report.experiment.runId}\\n`));
    const folds = result.stdout.split('\n').filter((line) => /^\d +\d+\.\d{3}% /.test(line));
    assert.equal(folds.length, 2);
    for (const line of folds) assert.match(line, / {2}[▁▂▃▄▅▆▇█]{2} +[▁▂▃▄▅▆▇█]{2}$/, '2 epochs: 2 bars for accuracy and for loss');
  });

  it('pipeline list filters by experiment and state, sorts by accuracy or date, and prints JSON', () => {
    const list = (...args: string[]) =>
      (
        JSON.parse(pipeline(['list', '--json', ...args], study.cwd).stdout) as {
          runs: { experiment: string; state: string; startedAt: string; accuracy?: { mean: number } }[];
        }
      ).runs;
    const toy = list('--experiment', 'toy');
    assert.ok(toy.length >= 1 && toy.every((r) => r.experiment === 'toy'));
    assert.ok(list('--state', 'complete').every((r) => r.state === 'complete'));
    const byAccuracy = list('--sort', 'accuracy', '--state', 'complete').map((r) => r.accuracy!.mean);
    assert.deepEqual(
      byAccuracy,
      [...byAccuracy].sort((a, b) => b - a),
    );
    const byDate = list('--sort', 'date', '--state', 'complete').map((r) => r.startedAt);
    assert.deepEqual(byDate, [...byDate].sort().reverse());
    const text = pipeline(['list', '--experiment', 'base'], study.cwd);
    assert.match(text.stdout, /runs \(1\):\n {2}base\/\S+ +complete +\d+\.\d{2}%/);
  });
});
