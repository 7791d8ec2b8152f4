import { strict as assert } from 'assert';
import { InterruptedError } from '../../src/errors';
import { trainFold } from '../../src/pipeline/fold-training';
import { RunContext } from '../../src/pipeline/run-context';
import { RunFolder } from '../../src/pipeline/run-folder';
import { tempDir, writeToyIdx } from '../support/fixtures';
import { quiet, scores, toyRun } from '../support/fold-jobs';

/** Fold 1 of the toy run with `sets`, trained straight through and, in another folder, stopped mid-epoch 2 then resumed. */
async function straightAndResumed(data: { images: string; labels: string }, sets: string[]) {
  const straight = (await toyRun(tempDir(), data, 'toy', sets)).context;
  const expected = await trainFold(straight, 0, quiet);
  const { context } = await toyRun(tempDir(), data, 'toy', sets);
  const stopAfterFirstEpoch = { ...quiet, onEpoch: (_fold: number, record: { epoch: number }) => record.epoch === 1 && context.requestStop() };
  await assert.rejects(trainFold(context, 0, stopAfterFirstEpoch), InterruptedError);
  const resumed = await trainFold(new RunContext(context.spec, context.configFile, RunFolder.open(context.folder.dir), context.backend), 0, quiet);
  const weights = (result: typeof expected) => result.model!.getWeights().map((w) => Array.from(w.dataSync()));
  return { expected, resumed, sameWeights: () => assert.deepEqual(weights(resumed), weights(expected)) };
}

describe('resume through the training vocabulary', function () {
  this.timeout(120_000);
  let data: { images: string; labels: string };
  before(() => (data = writeToyIdx(tempDir('pipeline-vocabulary-'), 800)));

  it('a learning-rate schedule continues where it stopped, to identical metrics and weights', async () => {
    const { expected, resumed, sameWeights } = await straightAndResumed(data, ['training.schedule={type: cosine, warmupEpochs: 0.5}', 'training.epochs=3']);
    assert.deepEqual(scores(resumed.history), scores(expected.history));
    assert.deepEqual(resumed.history.map((r) => r.learningRate), expected.history.map((r) => r.learningRate));
    // 25 steps an epoch, cosine over the 63 steps (2.5 epochs) after a 13-step warm-up: the last epoch ends at step 74.
    assert.ok(Math.abs(expected.history[2].learningRate! - 0.05 * 0.5 * (1 + Math.cos((Math.PI * 61) / 63))) < 1e-9, String(expected.history[2].learningRate));
    sameWeights();
  });
});
