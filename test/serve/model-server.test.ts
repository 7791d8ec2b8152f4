import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { deflateSync, crc32 } from 'zlib';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { selectBackend } from '../../src/backend/select';
import { digitRecipe, ModelInput } from '../../src/data/model-input';
import { setConsoleLevel } from '../../src/log';
import { predictImages } from '../../src/pipeline/predict-images';
import { loadSavedModel as loadPredictModel } from '../../src/pipeline/saved-model';
import { createModelServer, DEFAULT_LIMITS, ModelServer } from '../../src/serve/model-server';
import { loadSavedModel, SavedModel } from '../../src/serve/saved-model';
import { tempDir } from '../support/fixtures';
import { digitModel, saveModel } from '../support/saved-model';

/** A PNG whose header claims `width`×`height` pixels behind a few bytes of data: a decompression bomb's signature. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), compression, filter, interlace all 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function digitRows(seed: number): number[][] {
  return Array.from({ length: 28 }, (_, r) => Array.from({ length: 28 }, (_, c) => ((r * 31 + c * 17 + seed * 7) % 23) / 22));
}

/** preprocessing.json as the save step writes it for an MNIST model. */
const PREPROCESSING: ModelInput = {
  version: 1,
  sampleShape: [28, 28, 1],
  normalization: { scale: 1 / 255, offset: 0 },
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  image: digitRecipe(28),
};

/** A dark pen stroke shaped like a 4 on light paper, off-centre, as a photo or scan hands it in. */
function drawnDigitPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="160"><rect width="200" height="160" fill="#f4efe4"/><path d="M120 20 L70 100 L150 100 M125 60 L125 150" stroke="#202840" stroke-width="11" fill="none" stroke-linecap="round"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('serve: the model server over HTTP', function () {
  let saved: SavedModel;
  let modelDir: string;
  let server: ModelServer;
  let url: string;

  before(async function () {
    await selectBackend('cpu', { quiet: true });
    setConsoleLevel('warn');
    modelDir = await saveModel(digitModel(), path.join(tempDir(), 'digits', '20260101-000000-abcd', 'model'), PREPROCESSING);
    saved = await loadSavedModel(modelDir);
    server = createModelServer(saved, { ...DEFAULT_LIMITS, bodyLimitBytes: 1024 * 1024 });
    url = `${await server.app.listen({ port: 0, host: '127.0.0.1' })}/v1/models/digits`;
  });
  after(async () => {
    setConsoleLevel('info');
    await server.app.close();
  });

  const predict = (body: string) => fetch(`${url}:predict`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('names the model after its experiment and reports it available, with its shapes and classes', async function () {
    assert.equal(saved.name, 'digits');
    const status = await (await fetch(url)).json();
    assert.deepEqual(status, { model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] });
    const meta = (await (await fetch(`${url}/metadata`)).json()) as {
      metadata: { signature_def: { signature_def: { serving_default: { inputs: Record<string, { tensor_shape: { dim: { size: string }[] } }> } } } };
      classNames: string[];
    };
    const input = Object.values(meta.metadata.signature_def.signature_def.serving_default.inputs)[0];
    assert.deepEqual(
      input.tensor_shape.dim.map((d) => d.size),
      ['-1', '28', '28', '1'],
    );
    assert.deepEqual(meta.classNames, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('predicts what the model computes, for 28×28, 28×28×1 and flat 784-number instances alike', async function () {
    const rows = [digitRows(1), digitRows(2)];
    const expected = tf.tidy(() => (saved.model.predict(tf.tensor(rows).reshape([2, 28, 28, 1])) as tf.Tensor).arraySync()) as number[][];
    const forms = [rows, rows.map((r) => r.map((row) => row.map((v) => [v]))), rows.map((r) => r.flat())];
    for (const instances of forms) {
      const response = await predict(JSON.stringify({ instances }));
      assert.equal(response.status, 200);
      const { predictions } = (await response.json()) as { predictions: number[][] };
      assert.equal(predictions.length, 2);
      predictions.forEach((p, i) =>
        p.forEach((v, k) => assert.ok(Math.abs(v - expected[i][k]) < 1e-6, `instance ${i} class ${k}: ${v} vs ${expected[i][k]}`)),
      );
    }
  });

  it('prepares {"b64": ...} images as pipeline predict prepares image files: the same probabilities', async function () {
    const png = await drawnDigitPng();
    const file = path.join(tempDir(), 'four.png');
    fs.writeFileSync(file, png);
    const [outcome] = await predictImages(await loadPredictModel(modelDir), [file], { top: 10 });
    assert.ok('top' in outcome, JSON.stringify(outcome));
    const expected = [...outcome.top].sort((a, b) => a.class - b.class).map((c) => c.probability);
    const response = await predict(JSON.stringify({ instances: [{ b64: png.toString('base64') }] }));
    assert.equal(response.status, 200);
    const { predictions } = (await response.json()) as { predictions: number[][] };
    assert.equal(predictions[0].length, 10);
    predictions[0].forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-6, `class ${k}: ${v} vs ${expected[k]}`));
  });

  it('refuses {"b64": ...} images for a model saved without preprocessing.json, and still takes numbers', async function () {
    const bare = createModelServer(await loadSavedModel(await saveModel(digitModel(), path.join(tempDir(), 'bare'))));
    const base = `${await bare.app.listen({ port: 0, host: '127.0.0.1' })}/v1/models/bare:predict`;
    try {
      const image = await fetch(base, { method: 'POST', body: JSON.stringify({ instances: [{ b64: (await drawnDigitPng()).toString('base64') }] }) });
      assert.equal(image.status, 400);
      assert.deepEqual(await image.json(), {
        error: 'instances[0].b64: this model has no preprocessing.json (version 1) saying how to prepare an image for it; send the input as numbers.',
      });
      assert.equal((await fetch(base, { method: 'POST', body: JSON.stringify({ instances: [digitRows(1)] }) })).status, 200);
    } finally {
      await bare.app.close();
    }
  });

  it('answers every bad input with 400 and TF Serving\'s {"error": ...}, and keeps serving', async function () {
    const row = digitRows(3);
    const ragged = row.map((r, i) => (i === 5 ? r.slice(1) : r));
    const withNaN = row.map((r, i) => (i === 3 ? r.map((v, j) => (j === 4 ? 'NaN' : v)) : r));
    const blank = await sharp({ create: { width: 56, height: 56, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const cases: [string, string, string | RegExp][] = [
      ['invalid JSON', '{"instances": [1, 2', /^The request body is not valid JSON: /],
      [
        'no instances',
        '{"inputs": []}',
        'The request body must be a JSON object with an "instances" array, e.g. {"instances": [[...784 numbers...]]}.',
      ],
      ['empty body', '', /^The request body is not valid JSON: /],
      ['empty instances', '{"instances": []}', '"instances" is empty: send at least one instance.'],
      ['wrong size', '{"instances": [[1, 2, 3]]}', 'instances[0]: expected 784 numbers or a 28×28 array, got 3 values.'],
      ['wrong shape', JSON.stringify({ instances: [row.slice(0, 27)] }), 'instances[0]: expected 784 numbers or a 28×28 array, got a 27×28 array.'],
      [
        'ragged rows',
        JSON.stringify({ instances: [row, ragged] }),
        'instances[1][5]: expected an array of 28 (rows must all have the same length), got an array of 27.',
      ],
      ['NaN', JSON.stringify({ instances: [withNaN] }), 'instances[0][3][4]: expected a finite number, got the string "NaN".'],
      [
        'overflow to Infinity',
        `{"instances": [[${new Array(783).fill(0).join(',')}, 1e999]]}`,
        'instances[0][783]: expected a finite number, got Infinity.',
      ],
      ['null pixel', `{"instances": [[${new Array(783).fill(0).join(',')}, null]]}`, 'instances[0][783]: expected a finite number, got null.'],
      [
        'too many instances',
        JSON.stringify({ instances: new Array(257).fill(row.flat().map(() => 0)) }),
        '"instances" has 257 entries; at most 256 are accepted per request.',
      ],
      ['oversized body', JSON.stringify({ instances: [row], padding: 'x'.repeat(1024 * 1024) }), 'The request body is larger than the 1 MB allowed.'],
      ['b64 not base64', '{"instances": [{"b64": "not base64!"}]}', 'instances[0].b64: not valid base64.'],
      [
        'b64 not an image',
        JSON.stringify({ instances: [{ b64: Buffer.from('hello, world').toString('base64') }] }),
        'instances[0].b64: not an image (PNG or JPEG expected).',
      ],
      [
        'decompression bomb',
        JSON.stringify({ instances: [{ b64: pngClaiming(50_000, 50_000).toString('base64') }] }),
        'instances[0].b64: the image is 50000×50000 pixels, more than the limit of 50,000,000.',
      ],
      [
        'b64 blank image',
        JSON.stringify({ instances: [{ b64: blank.toString('base64') }] }),
        'instances[0].b64: no digit stands out of the background.',
      ],
      ['unsupported method', '{"instances": [[1]]}', 'Unsupported method "classify": this server answers POST /v1/models/digits:predict.'],
    ];
    for (const [label, body, expected] of cases) {
      const response = label === 'unsupported method' ? await fetch(`${url}:classify`, { method: 'POST', body }) : await predict(body);
      assert.equal(response.status, 400, label);
      const { error } = (await response.json()) as { error: string };
      if (typeof expected === 'string') assert.equal(error, expected, label);
      else assert.match(error, expected, label);
    }
    const missing = await fetch(`${url.replace(/digits$/, 'other')}:predict`, { method: 'POST', body: '{"instances": [[1]]}' });
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { error: 'Servable not found for request: Latest(other); this server serves "digits".' });
    assert.equal((await predict(JSON.stringify({ instances: [row] }))).status, 200);
  });

  it('puts requests that arrive together into one model call, and counts them in /metrics', async function () {
    const body = JSON.stringify({ instances: [digitRows(4)] });
    const responses = await Promise.all(Array.from({ length: 24 }, () => predict(body)));
    assert.ok(responses.every((r) => r.status === 200));
    const metrics = await (await fetch(`${url.replace(/\/v1\/models\/digits$/, '')}/metrics`)).text();
    const calls = Number(/pipeline_serve_batch_requests_count (\d+)/.exec(metrics)![1]);
    const shared = Number(/pipeline_serve_batch_requests_bucket\{le="1"\} (\d+)/.exec(metrics)![1]);
    assert.ok(shared < calls, `some model call served more than one request (${calls} calls, ${shared} with one request)`);
    assert.match(metrics, /pipeline_serve_requests_total\{route="\/v1\/models\/:call",status="400"\} \d+/);
  });

  it('finishes the requests in flight when closed, and takes no new ones', async function () {
    // Requests wait up to 1 s for others to join their model call: long enough to close the server while they wait.
    const own = createModelServer(saved, { ...DEFAULT_LIMITS, maxDelayMs: 1000 });
    const base = `${await own.app.listen({ port: 0, host: '127.0.0.1' })}/v1/models/digits:predict`;
    const body = JSON.stringify({ instances: [digitRows(5)] });
    const sent = Array.from({ length: 16 }, () =>
      fetch(base, { method: 'POST', body }).then(
        (r) => r.status,
        () => 'refused',
      ),
    );
    while (own.inFlight() === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = own.inFlight();
    await own.app.close();
    const statuses = await Promise.all(sent);
    assert.ok(statuses.filter((s) => s === 200).length >= waiting, `${waiting} in flight at close: ${statuses.join(', ')}`);
    // Requests that reached the server after it began closing get 503 or a refused connection, never a hang.
    assert.ok(
      statuses.every((s) => s === 200 || s === 503 || s === 'refused'),
      statuses.join(', '),
    );
    await assert.rejects(fetch(base, { method: 'POST', body }));
  });
});
