import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, pipeline } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { RedisServer, startRedis } from '../support/redis';

interface Process {
  child: ChildProcess;
  stdout: string;
  stderr: string;
}

interface Report {
  folds: { accuracy: number; history: { epoch: number; train: object; validation: object }[] }[];
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const numbers = (report: Report) =>
  report.folds.map((f) => ({ accuracy: f.accuracy, history: f.history.map((h) => [h.epoch, h.train, h.validation]) }));

describe('pipeline sweep --queue with pipeline worker processes', function () {
  this.timeout(300_000);
  let redis: RedisServer;
  const started: Process[] = [];

  function start(args: string[], cwd: string): Process {
    // Its own process group, so that a SIGKILL takes the worker's sandboxed fold process with it, as a lost machine would.
    const child = spawn(process.execPath, [BIN, ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = { child, stdout: '', stderr: '' };
    child.stdout.on('data', (chunk) => (proc.stdout += chunk));
    child.stderr.on('data', (chunk) => (proc.stderr += chunk));
    started.push(proc);
    return proc;
  }

  const exited = (proc: Process) =>
    new Promise<number | null>((resolve) => (proc.child.exitCode !== null ? resolve(proc.child.exitCode) : proc.child.once('exit', resolve)));

  before(async () => {
    redis = await startRedis();
  });

  after(async () => {
    for (const { child } of started) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await redis?.stop();
  });

  it('gives the numbers of a local run on two workers, even when one is SIGKILLed mid-fold', async () => {
    const cwd = tempDir('pipeline-sweep-queue-');
    const data = writeToyIdx(cwd, 1200);
    const config = path.join(cwd, 'toy.yaml');
    fs.writeFileSync(config, toyConfig(data.images, data.labels).replace('epochs: 2', 'epochs: 10'));
    const workers = [
      start(['worker', '--queue', redis.url, '--concurrency', '1'], cwd),
      start(['worker', '--queue', redis.url, '--concurrency', '1'], cwd),
    ];
    const sweep = start(['sweep', config, '--grid', 'training.optimizer.learningRate=0.1,0.05', '--queue', redis.url], cwd);
    const until = Date.now() + 120_000;
    // A worker two epochs into a fold: kill it there.
    let victim: Process | undefined;
    while (!victim) {
      if (Date.now() > until || sweep.child.exitCode !== null)
        assert.fail(`no fold got under way:\n${sweep.stderr}\n${workers.map((w) => w.stderr).join('\n')}`);
      victim = workers.find((w) => / epoch 2\/10: /.test(w.stderr));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.kill(-victim.child.pid!, 'SIGKILL');
    assert.equal(await exited(sweep), 0, sweep.stderr);
    const survivor = workers.find((w) => w !== victim)!;
    assert.match(
      sweep.stdout,
      /: 2 trials, 4 folds to train in the queue at redis:\/\/127\.0\.0\.1:\d+ \(folds train on `pipeline worker` processes\)/,
    );
    assert.match(sweep.stdout, /^\[4\/4\] /m);
    assert.match(sweep.stderr, /its worker stopped answering; the fold goes back to the queue for another worker/);
    assert.equal(
      (survivor.stderr.match(/ fold \d: training/g) ?? []).length,
      4,
      `the surviving worker trained the lost fold again:\n${survivor.stderr}`,
    );

    const [id] = fs.readdirSync(path.join(cwd, 'experiments', '_sweeps', 'toy'));
    const { trials } = readJson<{ trials: { run: string; state: string }[] }>(path.join(cwd, 'experiments', '_sweeps', 'toy', id, 'sweep.json'));
    for (const [i, lr] of ['0.1', '0.05'].entries()) {
      assert.equal(trials[i].state, 'complete');
      const local = pipeline(
        ['run', config, '--set', `training.optimizer.learningRate=${lr}`, '--set', 'runtime.workers=1', '--set', `name=local-${i}`],
        cwd,
      );
      assert.equal(local.status, 0, local.stderr);
      const [run] = fs.readdirSync(path.join(cwd, 'experiments', `local-${i}`));
      assert.deepEqual(
        numbers(readJson<Report>(path.join(cwd, 'experiments', trials[i].run, 'report.json'))),
        numbers(readJson<Report>(path.join(cwd, 'experiments', `local-${i}`, run, 'report.json'))),
      );
    }
  });
});
