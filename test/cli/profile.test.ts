// `pipeline profile` lists the kernels a few training steps ran, each once: a scope around kernels of its own (a
// custom gradient's forward pass) is not counted beside them, and the columns line up whatever the names' lengths.
import { strict as assert } from 'assert';
import * as path from 'path';
import { registerNativeBackend } from '../../src/backend/native';
import { nativeAddon } from '../../src/backend/native/addon';
import { pendingBecause } from '../support/pending';
import { pipeline, REPO } from '../support/cli';
import { tempDir } from '../support/fixtures';

const STEPS = 4;

describe('pipeline profile', function () {
  this.timeout(300_000);

  it('lists the kernels of the steps with their calls, time and share, and the sum of their times', function () {
    const native = registerNativeBackend();
    if ('reason' in native) pendingBecause(this, `backend native: ${native.reason}`);
    const cwd = tempDir('pipeline-profile-');
    const args = ['profile', path.join(REPO, 'configs', 'quick.yaml'), '--steps', String(STEPS), '--top', '100', '--set', 'runtime.backend=native'];
    const result = pipeline(args, cwd);
    assert.equal(result.status, 0, result.stderr);
    const [summary, header, ...rows] = result.stdout.trimEnd().split('\n');
    const total = /^4 steps of batch 32 on native: [\d.]+ ms\/step wall \(profiling adds overhead\), ([\d.]+) ms\/step in kernels$/.exec(summary);
    assert.ok(total, summary);
    assert.match(header, /^kernel +calls +ms\/step +share$/);
    const callsEnd = header.indexOf('calls') + 'calls'.length;
    const table = rows.map((row) => {
      const match = /^(\S+) +(\d+) +([\d.]+) +([\d.]+)%$/.exec(row);
      assert.ok(match, row);
      assert.equal(row.indexOf(` ${match[2]} `) + match[2].length + 1, callsEnd, `${row}: its calls under the header's`);
      return { kernel: match[1], calls: Number(match[2]), ms: Number(match[3]), share: Number(match[4]) };
    });
    const kernels = table.map((r) => r.kernel);
    assert.ok(!kernels.includes('unnamed') && !result.stdout.includes('unnamed scope'), 'no scope is listed beside its kernels');
    // The baseline's two dense layers each run the forward kernel once a step, inside their custom gradient's scope.
    if (nativeAddon().cpu().avx512) assert.equal(table.find((r) => r.kernel === 'NativeDenseForward')?.calls, 2 * STEPS);
    assert.equal(table.find((r) => r.kernel === 'NativeConv2DReluMaxPoolFilterGrad')?.calls, STEPS);
    const shares = table.reduce((sum, r) => sum + r.share, 0);
    assert.ok(Math.abs(shares - 100) < 0.1 * table.length, `shares add up to ${shares}%`);
    const sum = table.reduce((s, r) => s + r.ms, 0);
    assert.ok(Math.abs(sum - Number(total[1])) <= 0.05 + 0.005 * table.length, `rows add up to ${sum} ms/step, the total says ${total[1]}`);
  });
});
