import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import sharp from 'sharp';
import { readIdxPair } from '../../src/registry/sources/idx-pair';
import { mnistDataDir } from '../../src/registry/sources/mnist';
import type { SavedModelEvaluation } from '../../src/pipeline/evaluate-saved';
import { Random } from '../../src/random';
import { pipeline } from '../support/cli';
import { tempDir } from '../support/fixtures';
import { STYLES, writeRedrawn } from '../support/redrawn-digits';

/** The seed CNN trained for the test on 6,000 shuffled MNIST training images, 2 epochs, and saved. */
const MODEL_CONFIG = `description: a small digit model for the predict tests
seed: 4
data:
  source: { type: mnist, split: train }
  stages: [shuffle, { type: limit, count: 6000 }, { type: reshape, shape: [28, 28, 1] }, normalize, oneHot]
model:
  layers:
    - { type: conv2d, filters: 32, kernelSize: 3, activation: relu, kernelInitializer: heUniform }
    - { type: maxPooling2d, poolSize: 2 }
    - flatten
    - { type: dense, units: 100, activation: relu, kernelInitializer: heUniform }
    - { type: dense, units: 10, activation: softmax }
training:
  optimizer: { type: sgd, learningRate: 0.01, momentum: 0.9 }
  loss: categoricalCrossentropy
  epochs: 2
  batchSize: 32
steps: [fit, save]
`;

const DIGITS = 60;

interface Outcome {
  file: string;
  top?: { class: number; name: string; probability: number }[];
  error?: string;
}

describe('pipeline predict and evaluate', function () {
  this.timeout(600_000);
  let cwd: string;
  let run: string;
  const labels = new Map<string, number>();

  before(async () => {
    cwd = tempDir('pipeline-predict-');
    fs.writeFileSync(path.join(cwd, 'digits.yaml'), MODEL_CONFIG);
    const result = pipeline(['run', 'digits.yaml'], cwd);
    assert.equal(result.status, 0, result.stderr);
    const experiment = path.join(cwd, 'experiments', 'digits');
    run = path.join(experiment, fs.readdirSync(experiment)[0]);
    const dir = path.join(mnistDataDir());
    const test = readIdxPair(path.join(dir, 't10k-images-idx3-ubyte'), path.join(dir, 't10k-labels-idx1-ubyte'));
    const random = new Random(9);
    for (const style of STYLES) fs.mkdirSync(path.join(cwd, style));
    for (let i = 0; i < DIGITS; i++) {
      // Every 97th test digit, so the sample is spread over the whole test set.
      const index = i * 97;
      const digit = test.pixels.subarray(index * 784, (index + 1) * 784);
      for (const style of STYLES) labels.set(await writeRedrawn(path.join(cwd, style), `digit-${index}`, digit, style, random), test.labels[index]);
    }
  });

  it('classifies test digits re-drawn as people hand them in, well above 90% in every style', () => {
    const result = pipeline(['predict', run, ...STYLES.map((s) => path.join(cwd, s)), '--json'], cwd);
    assert.equal(result.status, 0, result.stderr);
    const outcomes = JSON.parse(result.stdout) as Outcome[];
    assert.equal(outcomes.length, DIGITS * STYLES.length);
    for (const style of STYLES) {
      const mine = outcomes.filter((o) => o.file.includes(`${path.sep}${style}${path.sep}`));
      const correct = mine.filter((o) => o.top![0].class === labels.get(o.file)).length;
      assert.ok(correct / mine.length >= 0.93, `${style}: ${correct} of ${mine.length} correct`);
      for (const o of mine) assert.equal(o.top!.length, 3);
    }
  });

  it('prints the top 3 classes per image and writes the 28×28 images the model saw', async () => {
    const image = [...labels.keys()][0];
    const saved = path.join(cwd, 'seen');
    const result = pipeline(['predict', run, image, '--save-preprocessed', saved], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`^${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${labels.get(image)} \\d+\\.\\d% · \\d \\d+\\.\\d% · \\d \\d+\\.\\d%\\n$`),
    );
    const meta = await sharp(path.join(saved, `${path.basename(image, path.extname(image))}.png`)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [28, 28, 1]);
  });

  it('gives a corrupt, a non-image, an empty and an enormous file a one-line error each (exit 1), and still classifies the rest', async () => {
    const bad = path.join(cwd, 'bad');
    fs.mkdirSync(bad);
    const good = [...labels.keys()][1];
    const png = fs.readFileSync([...labels.keys()].find((f) => f.endsWith('.png'))!);
    fs.writeFileSync(path.join(bad, 'corrupt.png'), png.subarray(0, Math.floor(png.length / 2)));
    fs.writeFileSync(path.join(bad, 'notes.jpg'), 'this is text, not a picture\n');
    fs.writeFileSync(path.join(bad, 'empty.png'), '');
    await sharp({ create: { width: 10000, height: 6000, channels: 3, background: '#ffffff' } })
      .png({ compressionLevel: 9 })
      .toFile(path.join(bad, 'huge.png'));
    const files = ['corrupt.png', 'notes.jpg', 'empty.png', 'huge.png'].map((f) => path.join(bad, f));
    const result = pipeline(['predict', run, files[0], good, ...files.slice(1)], cwd);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${good.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${labels.get(good)} `));
    const errors = result.stderr.split('\n').filter((l) => / error /.test(l));
    assert.deepEqual(
      errors.map((l) => l.replace(/^\S+ error /, '')),
      [
        `${files[0]}: the image is corrupt or truncated (${errors[0].match(/truncated \((.*)\)\.$/)![1]}).`,
        `${files[1]}: not an image (PNG or JPEG expected).`,
        `${files[2]}: the file is empty.`,
        `${files[3]}: the image is 10000×6000 pixels, more than the limit of 50,000,000.`,
        '4 of 5 images could not be classified.',
      ],
    );
  });

  it("evaluate scores the saved model on the run's test data: accuracy, per-class metrics, confusion matrix", () => {
    const result = pipeline(['evaluate', run, '--json'], cwd);
    assert.equal(result.status, 0, result.stderr);
    const evaluation = JSON.parse(result.stdout) as SavedModelEvaluation;
    assert.equal(evaluation.samples, 6000);
    assert.equal(evaluation.data, 'mnist test');
    assert.ok(evaluation.accuracy > 0.93, `accuracy ${evaluation.accuracy}`);
    assert.equal(
      evaluation.confusion.flat().reduce((a, b) => a + b, 0),
      6000,
    );
    const text = pipeline(['evaluate', path.join(run, 'model')], cwd);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /on mnist test\naccuracy \d+\.\d\d% \(\d+ of 10000 misclassified\)\n/);
    assert.match(text.stdout, /confusion matrix \(rows: true class, columns: predicted\)/);
  });
});
