import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, pipeline, REPO } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { freePort } from '../support/redis';

interface Report {
  folds: { fold: number; accuracy: number; loss: number; history: { epoch: number; train: object; validation: object }[] }[];
  summary: { accuracy: { mean: number } };
  experiment: { name: string; configHash: string };
}

const QUICK = path.join(REPO, 'configs', 'quick.yaml');
/** The quick config cut to 600 images: 2 folds of 300, 1 epoch. */
const TINY = ['--set', 'data.stages[1].count=600'];
const RATES = ['0.1', '0.01', '0.001'];

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
/** A report's numbers, without timings. */
const numbers = (report: Report) =>
  report.folds.map((f) => ({ fold: f.fold, accuracy: f.accuracy, loss: f.loss, history: f.history.map((h) => [h.epoch, h.train, h.validation]) }));

describe('pipeline sweep', function () {
  this.timeout(600_000);
  let cwd: string;
  let sweepDir: string;

  before(() => {
    cwd = tempDir('pipeline-sweep-');
  });

  it('runs a 3-value learning-rate grid on the quick config, each trial an ordinary run with the numbers of running it alone', () => {
    const result = pipeline(['sweep', QUICK, '--grid', `training.optimizer.learningRate=${RATES.join(',')}`, ...TINY], cwd);
    assert.equal(result.status, 0, result.stderr);
    const sweeps = path.join(cwd, 'experiments', '_sweeps', 'quick');
    [sweepDir] = fs.readdirSync(sweeps).map((d) => path.join(sweeps, d));
    const record = readJson<{
      metric: string;
      trials: { id: string; name: string; state: string; run: string; settings: unknown; score: { mean: number } }[];
      ranking: string[];
    }>(path.join(sweepDir, 'sweep.json'));
    assert.equal(readJson<{ state: string }>(path.join(sweepDir, 'status.json')).state, 'complete');
    assert.deepEqual(
      record.trials.map((t) => [t.id, t.name, t.state]),
      RATES.map((lr, i) => [`t${i + 1}`, `quick.learningRate-${lr}`, 'complete']),
    );
    assert.deepEqual(record.trials[1].settings, [{ path: 'training.optimizer.learningRate', value: 0.01 }]);
    // One line per finished fold, an overall line after each, then the ranking.
    for (let n = 1; n <= 6; n++)
      assert.match(
        result.stdout,
        new RegExp(
          `^\\[${n}/6\\] quick\\.learningRate-0\\.0*1 (fold [12]/2): val loss \\d\\.\\d{4}, val accuracy \\d\\.\\d{4} \\(\\d+s training\\)$`,
          'm',
        ),
      );
    assert.match(result.stdout, /^sweep: 3\/6 folds · \d+% · \d+s elapsed · ETA \d+s$/m);
    assert.match(result.stdout, /^sweep: 6\/6 folds · 100% · \d+(m\d\d)?s elapsed$/m);
    const scores = record.trials.map((t) => t.score.mean);
    assert.deepEqual(
      record.ranking,
      [...record.trials].sort((a, b) => b.score.mean - a.score.mean).map((t) => t.id),
    );
    assert.ok(result.stdout.endsWith(`comparison: ${path.join(sweepDir, 'compare.html')}\n`), 'the last line names the comparison report');
    const ranked = [
      ...fs.readFileSync(path.join(sweepDir, 'compare.html'), 'utf8').matchAll(/<tr><td class="num">\d+<\/td><td><a href="[^"]+">(t\d)<\/a>/g),
    ].map((m) => m[1]);
    assert.deepEqual(ranked, record.ranking, 'compare.html ranks the trials as sweep.json does');
    assert.match(
      result.stdout,
      new RegExp(
        `^  1\\. ${record.ranking[0]} quick\\.learningRate-\\S+ +accuracy ${Math.max(...scores).toFixed(4)} ± \\d\\.\\d{4}  quick\\.learningRate-`,
        'm',
      ),
    );

    for (const [i, lr] of RATES.entries()) {
      const trial = record.trials[i];
      const trialDir = path.join(cwd, 'experiments', trial.run);
      const report = readJson<Report>(path.join(trialDir, 'report.json'));
      assert.equal(report.experiment.name, trial.name);
      assert.equal(report.summary.accuracy.mean, trial.score.mean);
      assert.match(fs.readFileSync(path.join(trialDir, 'config.resolved.yaml'), 'utf8'), new RegExp(`learningRate: ${lr}\\n`));
      assert.doesNotMatch(fs.readFileSync(path.join(trialDir, 'config.resolved.yaml'), 'utf8'), /sweep:/);
      // Alone and in the run process itself: the sweep's pool gives the numbers of training the folds one after another.
      const alone = pipeline(
        ['run', QUICK, ...TINY, '--set', `training.optimizer.learningRate=${lr}`, '--set', 'runtime.workers=1', '--set', `name=alone-${i}`],
        cwd,
      );
      assert.equal(alone.status, 0, alone.stderr);
      const [aloneDir] = fs.readdirSync(path.join(cwd, 'experiments', `alone-${i}`));
      const aloneReport = readJson<Report>(path.join(cwd, 'experiments', `alone-${i}`, aloneDir, 'report.json'));
      assert.deepEqual(numbers(report), numbers(aloneReport), `trial ${trial.name} gives the numbers of running it alone`);
      assert.equal(report.experiment.configHash, aloneReport.experiment.configHash, 'and is comparable with it');
    }
    assert.notDeepEqual(scores[0], scores[2], 'each trial trained with its own learning rate');

    const list = pipeline(['list'], cwd);
    assert.equal(list.status, 0, list.stderr);
    const best = record.trials.find((t) => t.id === record.ranking[0])!;
    assert.match(
      list.stdout,
      new RegExp(
        `^sweeps \\(1\\):\\n  quick/${path.basename(sweepDir)} +complete +3/3 trials +best ${best.name.replace(/\./g, '\\.')} accuracy ${best.score.mean.toFixed(4)} ± \\d\\.\\d{4}$`,
        'm',
      ),
    );
  });

  // That the pool gives the numbers of in-process training is the first test's (quick) and the Ctrl-C test's (toy) to show.
  it("keeps both pool processes busy across trials: the next trial's folds train while the last fold of one still does", () => {
    const dir = tempDir('pipeline-sweep-toy-');
    // Folds long enough (seconds) that a trial's start-up in its own process cannot outlast the last fold of the one before.
    const data = writeToyIdx(dir, 4000);
    const config = path.join(dir, 'toy.yaml');
    fs.writeFileSync(config, toyConfig(data.images, data.labels).replace('folds: 2', 'folds: 3').replace('epochs: 2', 'epochs: 3'));
    const result = pipeline(['sweep', config, '--grid', 'training.optimizer.learningRate=0.1,0.05,0.01', '--set', 'runtime.workers=2'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /: 3 trials, 9 folds to train in 2 worker processes/);
    const [sweep] = fs.readdirSync(path.join(dir, 'experiments', '_sweeps', 'toy'));
    const { trials } = readJson<{ trials: { name: string; run: string }[] }>(path.join(dir, 'experiments', '_sweeps', 'toy', sweep, 'sweep.json'));
    const runDir = (i: number) => path.join(dir, 'experiments', trials[i].run);
    // Trials load their data side by side, so which submits its folds first is not fixed: take the first to report.
    const reported = trials.map((_, i) => readJson<{ createdAt: string }>(path.join(runDir(i), 'report.json')).createdAt);
    const first = reported.indexOf([...reported].sort()[0]);
    // A pool process logs the data it loads when it takes its first fold of a trial; the trial's own process logs it first.
    const poolStarts = trials.flatMap((_, i) =>
      i === first
        ? []
        : fs
            .readFileSync(path.join(runDir(i), 'log.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as { message: string; timestamp: string })
            .filter((l) => /^data: /.test(l.message))
            .slice(1)
            .map((l) => l.timestamp),
    );
    // 3 folds on 2 processes: the first trial's third fold trains beside another trial's first, before it can report.
    const earliest = poolStarts.sort()[0];
    assert.ok(
      earliest && earliest < reported[first],
      `a fold of another trial started (${earliest}) before trial ${first + 1}, the first to finish, reported (${reported[first]})`,
    );
  });

  it('--resume leaves complete trials alone and finishes an interrupted one from its checkpoints', () => {
    const recordFile = path.join(sweepDir, 'sweep.json');
    const record = readJson<{ trials: { state: string; run: string; score?: unknown }[] }>(recordFile);
    const [kept, , interrupted] = record.trials.map((t) => path.join(cwd, 'experiments', t.run));
    const keptReport = fs.readFileSync(path.join(kept, 'report.json'), 'utf8');
    const interruptedReport = readJson<Report>(path.join(interrupted, 'report.json'));
    // As a kill between the trial's last checkpoint and its report leaves it.
    fs.rmSync(path.join(interrupted, 'report.json'));
    fs.writeFileSync(
      path.join(interrupted, 'status.json'),
      JSON.stringify({ ...readJson<object>(path.join(interrupted, 'status.json')), state: 'interrupted' }),
    );
    Object.assign(record.trials[2], { state: 'interrupted' });
    delete record.trials[2].score;
    fs.writeFileSync(recordFile, JSON.stringify(record));
    fs.writeFileSync(
      path.join(sweepDir, 'status.json'),
      JSON.stringify({ ...readJson<object>(path.join(sweepDir, 'status.json')), state: 'interrupted' }),
    );

    const result = pipeline(['sweep', QUICK, '--resume'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /: 3 trials \(2 already complete\), 2 folds to train in /);
    assert.ok(result.stdout.endsWith(`comparison: ${path.join(sweepDir, 'compare.html')}\n`), 'the finished sweep writes its comparison again');
    assert.equal(fs.readFileSync(path.join(kept, 'report.json'), 'utf8'), keptReport, 'a complete trial is not run again');
    assert.deepEqual(numbers(readJson<Report>(path.join(interrupted, 'report.json'))), numbers(interruptedReport));
    const log = fs.readFileSync(path.join(interrupted, 'log.jsonl'), 'utf8');
    assert.match(log, /fold 1: resuming after epoch 1/);
    assert.equal(readJson<{ trials: { state: string }[] }>(recordFile).trials[2].state, 'complete');
    assert.equal(readJson<{ state: string }>(path.join(sweepDir, 'status.json')).state, 'complete');
    assert.equal(pipeline(['sweep', QUICK, '--resume'], cwd).status, 2, 'nothing left to resume');
  });

  it('stops on Ctrl-C with every trial checkpointed, and --resume ends with the numbers of an uninterrupted sweep', async () => {
    const dir = tempDir('pipeline-sweep-stop-');
    const data = writeToyIdx(dir, 1200);
    const config = path.join(dir, 'toy.yaml');
    fs.writeFileSync(config, toyConfig(data.images, data.labels).replace('epochs: 2', 'epochs: 8'));
    const grid = ['--grid', 'training.optimizer.learningRate=0.1,0.05,0.01', '--set', 'runtime.workers=2'];
    const child = spawn(process.execPath, [BIN, 'sweep', config, ...grid], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // Ctrl-C once a fold has finished and another is part way: it has a checkpoint (each fold writes one at every
    // epoch's end) and no line of its own yet. Two folds side by side can finish together, so the first fold's line
    // alone would leave the next ones still loading their data.
    const experiments = path.join(dir, 'experiments');
    const checkpoints = () =>
      fs.existsSync(experiments)
        ? (fs.readdirSync(experiments, { recursive: true }) as string[]).filter((f) => /checkpoints[\\/]fold-\d+\.json$/.test(f)).length
        : 0;
    const finished = () => (stdout.match(/^\[\d\/6\] /gm) ?? []).length;
    const interrupt = setInterval(() => {
      if (finished() > 0 && checkpoints() > finished() && !child.killed) child.kill('SIGINT');
    }, 20);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    clearInterval(interrupt);
    assert.equal(code, 130, stderr);
    const sweeps = path.join(dir, 'experiments', '_sweeps', 'toy');
    const [id] = fs.readdirSync(sweeps);
    assert.match(
      stderr,
      new RegExp(
        `error Sweep interrupted with \\d of 3 trials not finished; finished trials are kept and interrupted ones checkpointed\\. Resume with: pipeline sweep ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} --resume ${id}\\n$`,
      ),
    );
    assert.equal(readJson<{ state: string }>(path.join(sweeps, id, 'status.json')).state, 'interrupted');

    const resumed = pipeline(['sweep', config, '--resume'], dir);
    assert.equal(resumed.status, 0, resumed.stderr);
    const { trials } = readJson<{ trials: { run: string; state: string }[] }>(path.join(sweeps, id, 'sweep.json'));
    assert.deepEqual(
      trials.map((t) => t.state),
      ['complete', 'complete', 'complete'],
    );
    const logs = trials.map((t) => fs.readFileSync(path.join(dir, 'experiments', t.run, 'log.jsonl'), 'utf8')).join('');
    assert.match(logs, /fold [12]: resuming after epoch [0-7]\b/, 'a fold stopped part way continued from its checkpoint');
    for (const [i, lr] of ['0.1', '0.05', '0.01'].entries()) {
      const alone = pipeline(
        ['run', config, '--set', `training.optimizer.learningRate=${lr}`, '--set', 'runtime.workers=1', '--set', `name=alone-${i}`],
        dir,
      );
      assert.equal(alone.status, 0, alone.stderr);
      const [aloneDir] = fs.readdirSync(path.join(dir, 'experiments', `alone-${i}`));
      assert.deepEqual(
        numbers(readJson<Report>(path.join(dir, 'experiments', trials[i].run, 'report.json'))),
        numbers(readJson<Report>(path.join(dir, 'experiments', `alone-${i}`, aloneDir, 'report.json'))),
      );
    }
  });

  it('names the URL and exits 1 when the queue cannot be reached, leaving no sweep or run folder', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const dir = tempDir('pipeline-sweep-noredis-');
    const result = pipeline(['sweep', QUICK, '--grid', 'training.optimizer.learningRate=0.1,0.01', '--queue', url], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`error Cannot reach Redis at ${url}: connection refused \\(is redis-server running there\\?\\)\\.\\n$`));
    assert.equal(fs.existsSync(path.join(dir, 'experiments')), false);
    const config = path.join(dir, 'queued.yaml');
    fs.writeFileSync(config, `extends: ${QUICK}\nruntime: { queue: "${url}" }\n`);
    const run = pipeline(['run', config], dir);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`error Cannot reach Redis at ${url}: connection refused`));
    assert.equal(fs.existsSync(path.join(dir, 'experiments')), false);
  });

  it('exits 2 on a sweep that cannot run, before anything trains', () => {
    const dir = tempDir('pipeline-sweep-bad-');
    const none = pipeline(['sweep', QUICK], dir);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /quick\.yaml has no sweep: section; add one, or give the values to try with --grid key\.path=v1,v2\./);
    const bad = pipeline(['sweep', QUICK, '--grid', 'training.batchSize=32,big'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /training\.batchSize \(from --set training\.batchSize="big"\): must be an integer/);
    const config = path.join(dir, 'metric.yaml');
    fs.writeFileSync(config, `extends: ${QUICK}\nsweep: { metric: precision, grid: { training.epochs: [1, 2] } }\n`);
    const metric = pipeline(['sweep', config], dir);
    assert.equal(metric.status, 2);
    assert.match(metric.stderr, /sweep\.metric: "precision" is not a metric the trials report \(they report loss, accuracy\)/);
    assert.equal(fs.existsSync(path.join(dir, 'experiments')), false);
  });
});
