/** The comparison report a sweep writes in its folder, and `pipeline report <sweep>` rendering it again. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pipeline } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';

interface Record {
  trials: { id: string; name: string; state: string; run?: string; score?: { mean: number } }[];
  ranking: string[];
}

/** The rows of an HTML table: the text of each cell. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">(.*?)</table>`, 's').exec(html);
  assert.ok(table, `a table #${id}`);
  const body = table[1].split('<tbody>')[1];
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => cell[1].replace(/<[^>]+>/g, '')),
  );
}

describe('pipeline sweep: the comparison report', function () {
  this.timeout(600_000);

  it('ranks the trials best first, tests each against the best, charts the metric against each setting and lists a failed trial as failed', () => {
    const dir = tempDir('pipeline-sweep-compare-');
    const data = writeToyIdx(dir, 240);
    const config = path.join(dir, 'toy.yaml');
    fs.writeFileSync(config, toyConfig(data.images, data.labels).replace('epochs: 2', 'epochs: 1'));
    // Two learning rates 2 decades apart; the second labels file is missing, so its trials fail when they load their data.
    const grid = ['--grid', 'training.optimizer.learningRate=0.1,0.001', '--grid', `data.source.labels=${data.labels},${path.join(dir, 'missing')}`];
    const result = pipeline(['sweep', config, ...grid, '--set', 'runtime.workers=1'], dir);
    assert.equal(result.status, 1, result.stderr);
    const sweeps = path.join(dir, 'experiments', '_sweeps', 'toy');
    const sweepDir = path.join(sweeps, fs.readdirSync(sweeps)[0]);
    assert.match(result.stdout, new RegExp(`^comparison: ${sweepDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/compare\\.html$`, 'm'));
    const record = JSON.parse(fs.readFileSync(path.join(sweepDir, 'sweep.json'), 'utf8')) as Record;
    assert.deepEqual(
      record.trials.map((t) => t.state),
      ['complete', 'failed', 'complete', 'failed'],
    );

    const html = fs.readFileSync(path.join(sweepDir, 'compare.html'), 'utf8');
    const ranking = tableRows(html, 'ranking');
    const best = record.trials.find((t) => t.id === record.ranking[0])!;
    assert.deepEqual(
      ranking.map((row) => row.slice(0, 2)),
      [
        ['1', record.ranking[0]],
        ['2', record.ranking[1]],
      ],
      'best trial first',
    );
    assert.equal(ranking[0][2], best.id === 't1' ? '0.1' : '0.001', "the trial's learning rate beside it");
    assert.equal(ranking[0][5], `${(100 * best.score!.mean).toFixed(3)}%`);
    // The trials share data, split, seed and folds: the corrected resampled paired t-test, named on the row.
    assert.deepEqual(
      ranking.map((row) => row[row.length - 2]),
      ['(best)', 'corrected paired t (Nadeau–Bengio)'],
    );
    assert.match(ranking[1][ranking[1].length - 3], /^\d\.\d{3}$|^\d\.\de-\d+$/, 'a p-value');
    assert.match(html, new RegExp(`<a href="\\.\\./\\.\\./\\.\\./${best.run}/report\\.html">${best.id}</a>`), "linked to the trial's report");
    const failed = tableRows(html, 'not-compared');
    assert.deepEqual(
      failed.map((row) => [row[0], row[3]]),
      [
        ['t2', 'failed'],
        ['t4', 'failed'],
      ],
    );
    assert.match(failed[0][4], /^Cannot read IDX file .*missing: no such file\.$/);

    // compare.md links its charts; the learning-rate chart has its axis titles, on a log scale.
    const md = fs.readFileSync(path.join(sweepDir, 'compare.md'), 'utf8');
    const charts = [...md.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => m[1]);
    assert.ok(charts.includes('charts/setting-training_optimizer_learningRate.svg'), md);
    for (const chart of charts) assert.ok(fs.existsSync(path.join(sweepDir, chart)), chart);
    const svg = fs.readFileSync(path.join(sweepDir, 'charts', 'setting-training_optimizer_learningRate.svg'), 'utf8');
    assert.match(svg, />learningRate, log scale</);
    assert.match(svg, />accuracy \(%\)</);
    assert.match(md, /^\| 1 \| \[t\d\]\(\.\.\/\.\.\/\.\.\/[^)]+\/report\.md\) \| 0\.0*1 \|/m);
    assert.match(md, /^\| \[t2\]\([^)]+\) \| 0\.1 \| .*missing \| failed \| Cannot read IDX file/m);

    // Rendered again from the files alone: the same page.
    fs.rmSync(path.join(sweepDir, 'compare.html'));
    const again = pipeline(['report', path.relative(dir, sweepDir)], dir);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, `${path.join(sweepDir, 'compare.html')}\n${path.join(sweepDir, 'compare.md')}\n`);
    assert.equal(fs.readFileSync(path.join(sweepDir, 'compare.html'), 'utf8'), html);
  });
});
