/** For the Try it page's tests and screenshot: a small digit model trained in seconds, and digits drawn on the page's pad with the mouse. */
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { loadExperiment } from '../../src/config/load';
import { runExperiment } from '../../src/pipeline/runner';

/** A small CNN fit on 6,000 shuffled MNIST training images for 2 epochs, then saved (about 95% accurate). */
const DIGITS_CONFIG = `description: a small digit model for the Try it page
seed: 4
data:
  source: { type: mnist, split: train }
  stages: [shuffle, { type: limit, count: 6000 }, { type: reshape, shape: [28, 28, 1] }, normalize, oneHot]
model:
  layers:
    - { type: conv2d, filters: 8, kernelSize: 5, activation: relu, kernelInitializer: heUniform }
    - { type: maxPooling2d, poolSize: 2 }
    - flatten
    - { type: dense, units: 10, activation: softmax }
training:
  optimizer: { type: adam, learningRate: 0.003 }
  loss: categoricalCrossentropy
  epochs: 2
  batchSize: 32
`;

/** Trains and saves the model as experiments/digits/<runId> under `cwd` (and writes its report when asked); returns the run id. */
export async function trainDigitModel(cwd: string, options: { report?: boolean } = {}): Promise<string> {
  const config = path.join(cwd, 'digits.yaml');
  fs.writeFileSync(config, `${DIGITS_CONFIG}steps: [fit, save${options.report ? ', report' : ''}]\n`);
  const run = await runExperiment(await loadExperiment(config), { experimentsDir: path.join(cwd, 'experiments') });
  return path.basename(run.folder.dir);
}

/** Strokes in the pad's own 280×280 coordinates, as a person draws the digit. */
export const DIGIT_STROKES: Record<'1' | '7', [number, number][][]> = {
  '1': [
    [
      [150, 45],
      [146, 100],
      [142, 160],
      [140, 235],
    ],
  ],
  '7': [
    [
      [85, 60],
      [140, 58],
      [200, 58],
      [180, 110],
      [155, 170],
      [135, 235],
    ],
  ],
};

/** Maps pad coordinates to the page's. */
async function padToPage(page: Page): Promise<(point: [number, number]) => [number, number]> {
  const box = (await page.locator('#pad').boundingBox())!;
  return ([x, y]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
}

/** Draws each stroke with the mouse (pointer events: press, move in small steps, release). */
export async function drawStrokes(page: Page, strokes: [number, number][][]): Promise<void> {
  const at = await padToPage(page);
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 8 });
    await page.mouse.up();
  }
}

/** Draws each stroke with a finger: touch start, moves in small steps, end, as a phone's browser receives them. */
export async function drawStrokesByTouch(page: Page, strokes: [number, number][][]): Promise<void> {
  const at = await padToPage(page);
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', points: [number, number][]) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y]) => ({ x, y })) });
  for (const stroke of strokes) {
    await touch('touchStart', [at(stroke[0])]);
    for (let i = 1; i < stroke.length; i++) {
      const [from, to] = [stroke[i - 1], stroke[i]];
      for (let step = 1; step <= 8; step++)
        await touch('touchMove', [at([from[0] + ((to[0] - from[0]) * step) / 8, from[1] + ((to[1] - from[1]) * step) / 8])]);
    }
    await touch('touchEnd', []);
  }
  await cdp.detach();
}
