import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { findRunToResume } from '../../src/pipeline/resume';
import { listRuns, processIsAlive } from '../../src/pipeline/run-index';
import { tempDir } from '../support/fixtures';
import { pendingBecause } from '../support/pending';

/** A shell whose first child exits at once and is never reaped: `exec sleep` replaces the shell that would reap it. */
function startZombie(): Promise<{ zombie: number; parent: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    parent.once('error', reject);
    parent.stdout.once('data', (chunk: Buffer) => {
      const zombie = Number(chunk.toString().trim());
      // Wait until the child has exited and shows as a zombie.
      const poll = setInterval(() => {
        if (fs.readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z ')) {
          clearInterval(poll);
          resolve({ zombie, parent });
        }
      }, 10);
    });
  });
}

function writeStatus(experimentsDir: string, runId: string, pid: number): void {
  const dir = path.join(experimentsDir, 'toy', runId);
  fs.mkdirSync(dir, { recursive: true });
  const now = new Date().toISOString();
  fs.writeFileSync(
    path.join(dir, 'status.json'),
    JSON.stringify({ state: 'running', runId, experiment: 'toy', startedAt: now, updatedAt: now, pid, host: 'here' }),
  );
}

describe('run index: whether a running run still has its process', () => {
  it('counts a live process as running, and a gone or zombie process as interrupted, so --resume may continue it', async function () {
    if (process.platform !== 'linux') pendingBecause(this, 'zombie processes are told apart through /proc, which only Linux has');
    const experimentsDir = tempDir('pipeline-runs-');
    const { zombie, parent } = await startZombie();
    try {
      assert.equal(processIsAlive(process.pid), true);
      assert.equal(processIsAlive(zombie), false, 'a zombie has exited');
      writeStatus(experimentsDir, '20260101-000000-live', process.pid);
      writeStatus(experimentsDir, '20260101-000001-zomb', zombie);
      const states = (await listRuns(experimentsDir)).map((r) => [r.runId, r.state]);
      assert.deepEqual(states, [
        ['20260101-000000-live', 'running'],
        ['20260101-000001-zomb', 'interrupted'],
      ]);
      const folder = await findRunToResume('toy', '20260101-000001-zomb', experimentsDir);
      assert.equal(folder.runId, '20260101-000001-zomb');
      await assert.rejects(findRunToResume('toy', '20260101-000000-live', experimentsDir), /is still running/);
    } finally {
      parent.kill();
    }
    const gone = parent.pid!;
    await new Promise((resolve) => (parent.exitCode !== null || parent.signalCode !== null ? resolve(undefined) : parent.once('exit', resolve)));
    assert.equal(processIsAlive(gone), false, 'an exited, reaped process');
  });
});
