/**
 * The "Try it" page in the browser: a digit drawn on the pad (pointer events: mouse, pen, touch) or a picked image is
 * prepared by the same code as `pipeline predict` (src/data) and classified by the run's saved model with TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { LayersModel, loadLayersModel } from '@tensorflow/tfjs-layers';
import { EmptyImageError, normalizePixels, prepareDigit } from '../../data/digit-image';
import { MODEL_JSON, ModelInput, PREPROCESSING_JSON, PREPROCESSING_VERSION } from '../../data/model-input';
import { grayFromRgba, RgbaImage, workingSize } from '../../data/rgba-image';

const root = document.getElementById('try')!;
const status = document.getElementById('try-status')!;
const pad = document.getElementById('pad') as HTMLCanvasElement;
const seen = document.getElementById('seen') as HTMLCanvasElement;
const seenNote = document.getElementById('seen-note')!;
const prediction = document.getElementById('prediction')!;
const bars = document.getElementById('probabilities')!;
const fileInput = document.getElementById('file') as HTMLInputElement;
const ink = pad.getContext('2d', { willReadFrequently: true })!;

/** A stroke about as thick, relative to the digit, as MNIST's pen. */
const STROKE = pad.width / 10;

interface Classifier {
  model: LayersModel;
  input: ModelInput;
}

/** Counts changes to the pad, so that a result is shown only for the drawing it was computed from. */
let version = 0;

function clearPad(): void {
  ink.fillStyle = '#fff';
  ink.fillRect(0, 0, pad.width, pad.height);
}

function padPoint(event: PointerEvent): [number, number] {
  const box = pad.getBoundingClientRect();
  return [((event.clientX - box.left) * pad.width) / box.width, ((event.clientY - box.top) * pad.height) / box.height];
}

function changed(): number {
  version += 1;
  pad.dataset.version = String(version);
  return version;
}

function enableDrawing(onStroke: () => void): void {
  let drawing = false;
  ink.lineWidth = STROKE;
  ink.lineCap = 'round';
  ink.lineJoin = 'round';
  ink.strokeStyle = '#111';
  pad.addEventListener('pointerdown', (event) => {
    drawing = true;
    pad.setPointerCapture(event.pointerId);
    const [x, y] = padPoint(event);
    ink.beginPath();
    ink.moveTo(x, y);
    ink.lineTo(x, y); // a tap leaves a dot
    ink.stroke();
  });
  pad.addEventListener('pointermove', (event) => {
    if (!drawing) return;
    const [x, y] = padPoint(event);
    ink.lineTo(x, y);
    ink.stroke();
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    onStroke();
  };
  pad.addEventListener('pointerup', end);
  pad.addEventListener('pointercancel', end);
}

async function loadClassifier(base: string): Promise<Classifier> {
  const response = await fetch(`${base}${PREPROCESSING_JSON}`);
  if (!response.ok) throw new Error(`${PREPROCESSING_JSON} could not be loaded (HTTP ${response.status})`);
  const input = (await response.json()) as ModelInput;
  if (input.version !== PREPROCESSING_VERSION)
    throw new Error(`${PREPROCESSING_JSON} has version ${input.version}; this page reads version ${PREPROCESSING_VERSION}`);
  return { model: await loadLayersModel(`${base}${MODEL_JSON}`), input };
}

function classify(classifier: Classifier, rgba: RgbaImage, at: number): void {
  if (at !== version) return;
  let prepared;
  try {
    prepared = prepareDigit(grayFromRgba(rgba), classifier.input.image);
  } catch (error) {
    if (!(error instanceof EmptyImageError)) throw error;
    showEmpty(`Nothing to classify: ${error.message}.`, at);
    return;
  }
  const { sampleShape, normalization } = classifier.input;
  const probabilities = tf.tidy(() =>
    (classifier.model.predict(tf.tensor(normalizePixels(prepared.pixels, normalization), [1, ...sampleShape])) as tf.Tensor).dataSync(),
  );
  showSeen(
    prepared.pixels,
    classifier.input.image.size,
    prepared.inverted ? 'Dark ink on a light background: inverted to light on black, as MNIST.' : 'Light ink on a dark background, as MNIST.',
  );
  showProbabilities(Array.from(probabilities), classifier.input.classNames, at);
}

function showSeen(pixels: Uint8Array, side: number, note: string): void {
  seen.width = side;
  seen.height = side;
  const image = new ImageData(side, side);
  pixels.forEach((v, i) => image.data.set([v, v, v, 255], 4 * i));
  seen.getContext('2d')!.putImageData(image, 0, 0);
  seenNote.textContent = note;
}

function showProbabilities(probabilities: number[], classNames: string[], at: number): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  const name = (c: number) => classNames[c] ?? String(c);
  prediction.innerHTML = '';
  prediction.append(
    Object.assign(document.createElement('strong'), { textContent: name(best) }),
    ` with probability ${percent(probabilities[best])}`,
  );
  bars.replaceChildren(
    ...probabilities.map((p, c) => {
      const row = document.createElement('div');
      row.className = c === best ? 'bar best' : 'bar';
      row.setAttribute('role', 'listitem');
      row.innerHTML = `<span class="bar-name"></span><span class="bar-track"><span class="bar-fill" style="width: ${(100 * p).toFixed(1)}%"></span></span><span class="bar-value">${percent(p)}</span>`;
      row.querySelector('.bar-name')!.textContent = name(c);
      return row;
    }),
  );
  root.dataset.predicted = String(best);
  root.dataset.version = String(at);
}

function showEmpty(message: string, at: number): void {
  prediction.textContent = message;
  bars.replaceChildren();
  seen.getContext('2d')!.clearRect(0, 0, seen.width, seen.height);
  seenNote.textContent = '';
  delete root.dataset.predicted;
  root.dataset.version = String(at);
}

function percent(p: number): string {
  return `${(100 * p).toFixed(1)}%`;
}

function padPixels(): RgbaImage {
  return ink.getImageData(0, 0, pad.width, pad.height);
}

/** The picked image at working size for the model, and fitted onto the pad so the user sees what was picked. */
async function pickedImage(file: File): Promise<RgbaImage> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const size = workingSize(bitmap.width, bitmap.height);
    const canvas = document.createElement('canvas');
    Object.assign(canvas, size);
    const context = canvas.getContext('2d')!;
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
    clearPad();
    const scale = Math.min(pad.width / bitmap.width, pad.height / bitmap.height);
    ink.drawImage(
      bitmap,
      (pad.width - bitmap.width * scale) / 2,
      (pad.height - bitmap.height * scale) / 2,
      bitmap.width * scale,
      bitmap.height * scale,
    );
    return context.getImageData(0, 0, size.width, size.height);
  } finally {
    bitmap.close();
  }
}

async function start(): Promise<void> {
  clearPad();
  await tf.setBackend('cpu');
  const classifier = await loadClassifier(root.dataset.model!);
  status.textContent = `Model loaded: ${classifier.input.classNames.length} classes, input ${classifier.input.sampleShape.join('×')}. Draw a digit in the box.`;
  enableDrawing(() => classify(classifier, padPixels(), changed()));
  document.getElementById('clear')!.addEventListener('click', () => {
    clearPad();
    showEmpty('Draw a digit in the box.', changed());
  });
  fileInput.addEventListener('change', () => void classifyPicked(classifier, fileInput, changed()));
  root.dataset.ready = 'true';
}

async function classifyPicked(classifier: Classifier, fileInput: HTMLInputElement, at: number): Promise<void> {
  const file = fileInput.files?.[0];
  if (!file) return;
  fileInput.value = '';
  let rgba: RgbaImage;
  try {
    rgba = await pickedImage(file);
  } catch {
    showEmpty(`${file.name}: not an image this browser can read (PNG or JPEG expected).`, at);
    return;
  }
  classify(classifier, rgba, at);
}

start().catch((error: Error) => {
  status.textContent = `The model could not be loaded: ${error.message}`;
  status.classList.add('error');
});
