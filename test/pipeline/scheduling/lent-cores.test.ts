// The cores of idle pool slots go to the folds still training, through the native kernels' threads, and
// change no number: a fold trains to the same weights and scores on one thread as on two, in the pool or not; a
// model fit in the run process gets the run's cores the same way.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadNativeAddon, nativeAddon } from '../../../src/backend/native/addon';
import { selectBackend } from '../../../src/backend/select';
import { loadExperiment } from '../../../src/config/load';
import { logger } from '../../../src/log';
import { RunContext } from '../../../src/pipeline/run-context';
import { RunFolder } from '../../../src/pipeline/run-folder';
import { RunTrainings } from '../../../src/pipeline/run-trainings';
import { LocalScheduler } from '../../../src/pipeline/scheduling/local-scheduler';
import { fileChecksums } from '../../../src/report/fingerprint';
import { REPO } from '../../support/cli';
import { tempDir, writeToyIdx } from '../../support/fixtures';
import { comparable, quiet, scores, trainedHere } from '../../support/fold-jobs';

// The baseline (its layers, so its products are large enough to be split) on a few hundred MNIST-sized toy images.
const config = (images: string, labels: string) => `extends: ${JSON.stringify(path.join(REPO, 'configs', 'baseline.yaml'))}
seed: 5
runtime: { backend: native, blas: builtin }
data: { source: { type: idx, images: ${JSON.stringify(images)}, labels: ${JSON.stringify(labels)} } }
training: { epochs: 1 }
evaluation: { type: kfold, folds: 3 }
`;

describe('idle cores lent to the folds still training', function () {
  this.timeout(300_000);
  let context: RunContext;
  let scheduler: LocalScheduler | undefined;

  before(async function () {
    const load = loadNativeAddon();
    if (!('addon' in load)) return this.skip();
    const cwd = tempDir('pipeline-lent-');
    const data = writeToyIdx(cwd, 480, { size: 28, classes: 10 });
    const file = path.join(cwd, 'lent.yaml');
    fs.writeFileSync(file, config(data.images, data.labels));
    const { spec } = await loadExperiment(file, []);
    const backend = await selectBackend('native', { quiet: true, blas: 'builtin' });
    context = new RunContext(spec, file, await RunFolder.create(path.join(cwd, 'experiments'), spec.name), backend);
  });

  afterEach(async () => {
    const load = loadNativeAddon();
    if ('addon' in load) load.addon.setThreads(1);
    await scheduler?.close();
    scheduler = undefined;
  });

  it('trains a fold to the same weights and scores on two threads as on one', async () => {
    const addon = nativeAddon();
    const [one] = await trainedHere(context, path.join(context.folder.dir, '..', '..', 'one-thread'), 1);
    addon.setThreads(2);
    const [two] = await trainedHere(context, path.join(context.folder.dir, '..', '..', 'two-threads'), 1);
    assert.deepEqual(two, one);
  });

  it("lends the idle slot's core to a fold training alone in the pool, and its numbers stay those of one thread", async () => {
    scheduler = new LocalScheduler(2);
    const messages: string[] = [];
    const listen = (info: { message: string }) => messages.push(info.message);
    logger.on('data', listen);
    const dataFiles = fileChecksums(context.dataset().files);
    const { spec, folder } = context;
    // One fold on two slots: the core is lent as the fold starts, so the log line comes before the fold's result.
    const jobs = [0].map((fold) => ({
      run: `${spec.name}/${folder.runId}`,
      spec,
      configFile: context.configFile,
      runDir: folder.dir,
      fold,
      backend: 'native' as const,
      dataFiles,
    }));
    try {
      const outcomes = await Promise.all(jobs.map((job) => scheduler!.train(job, quiet)));
      assert.ok(
        messages.includes(
          'matrix products, convolutions, pooling, batch normalization and dense layers in training split across 2 threads while the other slots idle (same results on any count)',
        ),
        messages.join('\n'),
      );
      assert.deepEqual(outcomes.map(comparable), await trainedHere(context, path.join(folder.dir, '..', '..', 'reference'), 1));
    } finally {
      logger.off('data', listen);
    }
  });

  it('gives a model fit in the run process every core runtime.workers allows, and its numbers stay those of one thread', async () => {
    const messages: string[] = [];
    const listen = (info: { message: string }) => messages.push(info.message);
    const fit = async (workers: number) => {
      const spec = { ...context.spec, runtime: { ...context.spec.runtime, workers } };
      const dir = path.join(context.folder.dir, '..', '..', `fit-${workers}`);
      const local = new RunContext(spec, context.configFile, await RunFolder.create(dir, spec.name), context.backend);
      const [result] = await new RunTrainings(local).train([{ kind: 'fit', validationFraction: 0.25 }], () => quiet);
      const trained = { history: scores(result.history), weights: result.model!.getWeights().map((w) => Array.from(w.dataSync())) };
      result.model!.dispose();
      return trained;
    };
    logger.on('data', listen);
    try {
      const one = await fit(1);
      assert.ok(!messages.some((m) => m.includes('split across')), messages.join('\n'));
      const two = await fit(2);
      assert.ok(
        messages.includes(
          'matrix products, convolutions, pooling, batch normalization and dense layers in training split across 2 threads while one model trains (same results on any count)',
        ),
        messages.join('\n'),
      );
      assert.deepEqual(two, one);
    } finally {
      logger.off('data', listen);
    }
  });
});
