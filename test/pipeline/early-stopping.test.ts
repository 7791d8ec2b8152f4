import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { EarlyStopping } from '../../src/pipeline/early-stopping';
import type { EpochRecord } from '../../src/pipeline/trainer';

const epoch = (n: number, valLoss: number, valAccuracy = 0): EpochRecord => ({
  epoch: n,
  train: { loss: 1, accuracy: 0 },
  validation: { loss: valLoss, accuracy: valAccuracy },
  seconds: 1,
  imagesPerSecond: 1,
});

const settings = { monitor: 'val_loss', patience: 2, minDelta: 0, mode: 'auto' as const, restoreBestWeights: true };

describe('early stopping', () => {
  let model: tf.Sequential;
  beforeEach(() => {
    model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros', biasInitializer: 'zeros' })] });
  });
  afterEach(() => model.dispose());
  const setKernel = (value: number) => model.setWeights([tf.tensor2d([[value]]), tf.tensor1d([0])]);
  const kernel = () => model.getWeights()[0].dataSync()[0];

  it('stops after `patience` epochs without improvement and puts back the best epoch’s weights', () => {
    const stopping = new EarlyStopping(settings, ['loss', 'accuracy']);
    const losses = [0.5, 0.4, 0.45, 0.41];
    const stops = losses.map((loss, i) => {
      setKernel(i + 1);
      return stopping.afterEpoch(epoch(i + 1, loss), model);
    });
    assert.deepEqual(stops, [false, false, false, true]);
    assert.deepEqual(stopping.state, { best: 0.4, bestEpoch: 2, wait: 2, stoppedEpoch: 4 });
    stopping.restoreBest(model);
    assert.equal(kernel(), 2, 'the weights of epoch 2');
    assert.deepEqual(stopping.summary(), { monitor: 'val_loss', best: 0.4, bestEpoch: 2, stoppedEpoch: 4, restoredBestWeights: true });
    stopping.dispose();
  });

  it('counts a change below minDelta as no improvement, and maximizes accuracy', () => {
    const stopping = new EarlyStopping({ ...settings, monitor: 'val_accuracy', minDelta: 0.01, patience: 1, restoreBestWeights: false }, [
      'loss',
      'accuracy',
    ]);
    assert.equal(stopping.afterEpoch(epoch(1, 1, 0.9), model), false);
    assert.equal(stopping.afterEpoch(epoch(2, 1, 0.92), model), false);
    assert.equal(stopping.afterEpoch(epoch(3, 1, 0.925), model), true);
    assert.deepEqual(stopping.summary(), { monitor: 'val_accuracy', best: 0.92, bestEpoch: 2, stoppedEpoch: 3, restoredBestWeights: false });
  });

  it('names what can be monitored when the monitor is not measured', () => {
    assert.throws(() => new EarlyStopping({ ...settings, monitor: 'val_acc' }, ['loss', 'accuracy']), {
      message: 'training.earlyStopping.monitor: "val_acc" is not measured; choose one of val_loss, val_accuracy, loss, accuracy.',
    });
  });
});
