import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BIN, pipeline } from '../support/cli';
import type { FoldCheckpoint } from '../../src/pipeline/checkpoint';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { readJsonFile, readReport, readStatus } from '../support/run-files';

const foldsOf = (runDir: string) => readReport(runDir).folds.map((f) => [f.accuracy, f.history.map((h) => [h.train, h.validation])]);

function onlyRun(cwd: string, experiment: string): string {
  const dir = path.join(cwd, 'experiments', experiment);
  const runs = fs.readdirSync(dir);
  assert.equal(runs.length, 1);
  return path.join(dir, runs[0]);
}

/** Starts a run in its own process group and calls `kill` once fold 1 has a checkpoint at or after `epoch`. */
function runUntilCheckpoint(
  cwd: string,
  args: string[],
  epoch: number,
  kill: (pid: number) => void,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    let killed = false;
    const poll = setInterval(() => {
      const experimentDir = path.join(cwd, 'experiments', 'toy');
      const run = fs.existsSync(experimentDir) ? fs.readdirSync(experimentDir)[0] : undefined;
      const manifest = run && path.join(experimentDir, run, 'checkpoints', 'fold-0.json');
      if (!killed && manifest && fs.existsSync(manifest) && readJsonFile<FoldCheckpoint>(manifest).train.epoch >= epoch) {
        killed = true;
        kill(child.pid!);
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(poll);
      resolve({ code, stderr });
    });
  });
}

describe('checkpoints and resume', function () {
  this.timeout(240_000);
  let data: { images: string; labels: string };
  let reference: unknown;

  before(() => {
    const dir = tempDir('pipeline-resume-data-');
    data = writeToyIdx(dir, 1200);
    const cwd = tempDir('pipeline-resume-ref-');
    fs.writeFileSync(path.join(cwd, 'toy.yaml'), toyConfig(data.images, data.labels, '').replace('epochs: 2', 'epochs: 16'));
    const result = pipeline(['run', 'toy.yaml'], cwd);
    assert.equal(result.status, 0, result.stderr);
    reference = foldsOf(onlyRun(cwd, 'toy'));
  });

  function freshCwd(): string {
    const cwd = tempDir('pipeline-resume-');
    fs.writeFileSync(path.join(cwd, 'toy.yaml'), toyConfig(data.images, data.labels, '').replace('epochs: 2', 'epochs: 16'));
    return cwd;
  }

  it('resumes a run killed with SIGKILL mid-fold to exactly the uninterrupted metrics', async () => {
    const cwd = freshCwd();
    const killed = await runUntilCheckpoint(cwd, ['run', 'toy.yaml'], 3, (pid) => process.kill(-pid, 'SIGKILL'));
    assert.equal(killed.code, null, 'the run was killed, not finished');
    const runDir = onlyRun(cwd, 'toy');
    assert.ok(!fs.existsSync(path.join(runDir, 'report.json')), 'a killed run has no report');
    assert.match(pipeline(['list'], cwd).stdout, /toy\/\S+\s+interrupted/);
    const resumed = pipeline(['run', 'toy.yaml', '--resume'], cwd);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /fold 1: resuming after epoch \d+/);
    assert.deepEqual(foldsOf(runDir), reference);
    assert.equal(readStatus(runDir).state, 'complete');
  });

  it('stops on SIGINT at a step boundary with status interrupted and the resume command, then resumes exactly', async () => {
    const cwd = freshCwd();
    const stopped = await runUntilCheckpoint(cwd, ['run', 'toy.yaml', '--set', 'runtime.workers=1'], 2, (pid) => process.kill(pid, 'SIGINT'));
    assert.equal(stopped.code, 130, stopped.stderr);
    const runDir = onlyRun(cwd, 'toy');
    const runId = path.basename(runDir);
    assert.match(
      stopped.stderr,
      new RegExp(
        `Run interrupted \\(stopped in epoch \\d+ at step \\d+ of \\d+\\); checkpoints are saved\\. Resume with: pipeline run toy\\.yaml --resume ${runId}`,
      ),
    );
    const status = readStatus(runDir);
    assert.equal(status.state, 'interrupted');
    const resumed = pipeline(['run', 'toy.yaml', '--resume', runId, '--set', 'runtime.workers=1'], cwd);
    assert.equal(resumed.status, 2, 'the config of a resumed run cannot change');
    assert.match(resumed.stderr, /--set cannot change it/);
    const ok = pipeline(['run', 'toy.yaml', '--resume', runId], cwd);
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(foldsOf(runDir), reference);
    const again = pipeline(['run', 'toy.yaml', '--resume', runId], cwd);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /is already complete; nothing to resume/);
  });
});
