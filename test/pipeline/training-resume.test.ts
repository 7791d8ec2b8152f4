import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { InterruptedError } from '../../src/errors';
import { trainFold } from '../../src/pipeline/fold-training';
import { RunContext } from '../../src/pipeline/run-context';
import { RunFolder } from '../../src/pipeline/run-folder';
import { pipeline } from '../support/cli';
import { tempDir, toyConfig, writeToyIdx } from '../support/fixtures';
import { readReport } from '../support/run-files';
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
    const { expected, resumed, sameWeights } = await straightAndResumed(data, [
      'training.schedule={type: cosine, warmupEpochs: 0.5}',
      'training.epochs=3',
    ]);
    assert.deepEqual(scores(resumed.history), scores(expected.history));
    assert.deepEqual(
      resumed.history.map((r) => r.learningRate),
      expected.history.map((r) => r.learningRate),
    );
    // 25 steps an epoch, cosine over the 63 steps (2.5 epochs) after a 13-step warm-up: the last epoch ends at step 74.
    assert.ok(
      Math.abs(expected.history[2].learningRate! - 0.05 * 0.5 * (1 + Math.cos((Math.PI * 61) / 63))) < 1e-9,
      String(expected.history[2].learningRate),
    );
    sameWeights();
  });

  it("early stopping stops where an uninterrupted run stops and keeps the best epoch's weights, through a resume", async () => {
    // A minDelta no accuracy can beat: epoch 1 stays the best, so training stops after epoch 3 with epoch 1's weights.
    const stopping = 'training.earlyStopping={monitor: val_accuracy, patience: 2, minDelta: 1, restoreBestWeights: true}';
    const { expected, resumed, sameWeights } = await straightAndResumed(data, [stopping, 'training.epochs=6']);
    assert.deepEqual(
      expected.history.map((r) => r.epoch),
      [1, 2, 3],
    );
    assert.deepEqual(expected.stopping, {
      monitor: 'val_accuracy',
      best: expected.history[0].validation.accuracy,
      bestEpoch: 1,
      stoppedEpoch: 3,
      restoredBestWeights: true,
    });
    assert.deepEqual(scores(resumed.history), scores(expected.history));
    assert.deepEqual(resumed.stopping, expected.stopping);
    sameWeights();
    const oneEpoch = await trainFold((await toyRun(tempDir(), data, 'toy', ['training.epochs=1'])).context, 0, quiet);
    assert.deepEqual(
      expected.model!.getWeights().map((w) => Array.from(w.dataSync())),
      oneEpoch.model!.getWeights().map((w) => Array.from(w.dataSync())),
      'the weights after epoch 1',
    );
  });

  it('an L2 penalty and label smoothing resume to identical metrics and weights', async () => {
    const sets = ['model.layers[0].kernelRegularizer={type: l2, l2: 0.001}', 'training.loss={type: categoricalCrossentropy, labelSmoothing: 0.1}'];
    const { expected, resumed, sameWeights } = await straightAndResumed(data, sets);
    assert.deepEqual(scores(resumed.history), scores(expected.history));
    sameWeights();
  });

  it('augmentation resumes to identical metrics and weights, and changes training, not validation, scores', async () => {
    const stages = 'data.stages=[{type: reshape, shape: [8, 8, 1]}, normalize, oneHot, {type: augment, shift: 0.1, rotation: 10, zoom: 0.1}]';
    const { expected, resumed, sameWeights } = await straightAndResumed(data, [stages]);
    assert.deepEqual(scores(resumed.history), scores(expected.history));
    sameWeights();
    const plain = await trainFold((await toyRun(tempDir(), data, 'toy')).context, 0, quiet);
    assert.notDeepEqual(expected.history[0].train, plain.history[0].train, 'training batches are augmented');
  });

  it('all of it gives the same report in worker processes as in one process', () => {
    const cwd = tempDir('pipeline-vocabulary-cli-');
    const extra = `training:
  optimizer: { type: sgd, learningRate: 0.05, momentum: 0.9 }
  loss: { type: categoricalCrossentropy, labelSmoothing: 0.1 }
  epochs: 4
  batchSize: 16
  schedule: { type: exponential, decayRate: 0.5, warmupEpochs: 0.5 }
  earlyStopping: { monitor: val_loss, patience: 1, restoreBestWeights: true }`;
    const config = toyConfig(data.images, data.labels)
      .replace(/training:[\s\S]*?batchSize: 16\n/, `${extra}\n`)
      .replace('    - oneHot\n', '    - oneHot\n    - augment\n');
    fs.writeFileSync(path.join(cwd, 'toy.yaml'), config);
    const folds = (name: string, workers: string) => {
      const result = pipeline(['run', 'toy.yaml', '--set', `name=${name}`, '--set', `runtime.workers=${workers}`], cwd);
      assert.equal(result.status, 0, result.stderr);
      const dir = path.join(cwd, 'experiments', name);
      const report = readReport(path.join(dir, fs.readdirSync(dir)[0]));
      return report.folds.map((f) => [f.accuracy, f.earlyStopping, f.history.map((h) => [h.train, h.validation, h.learningRate])]);
    };
    const inWorkers = folds('toy-workers', '2');
    assert.deepEqual(folds('toy-one', '1'), inWorkers);
    assert.ok(
      inWorkers.every((f) => f[1] !== undefined),
      'each fold records its early stopping',
    );
  });
});
