/** The model server: TensorFlow Serving's REST routes over one saved model, with micro-batching, a log line per request and /metrics. */
import Fastify, { FastifyError, FastifyInstance } from 'fastify';
import * as tf from '@tensorflow/tfjs';
import { logger } from '../log';
import { imageToInstance } from './image-input';
import { BadRequestError, parseInstances } from './instances';
import { BatcherOptions, MicroBatcher } from './micro-batcher';
import type { SavedModel } from './saved-model';
import { ServerMetrics } from './server-metrics';

export interface ServerLimits extends BatcherOptions {
  /** Instances one request may carry. */
  maxInstances: number;
  bodyLimitBytes: number;
}

export const DEFAULT_LIMITS: ServerLimits = { maxInstances: 256, bodyLimitBytes: 8 * 1024 * 1024, maxBatch: 256, maxDelayMs: 2 };

export interface ModelServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  /** Requests being answered now: what a shutdown waits for. */
  inFlight(): number;
}

export function createModelServer(saved: SavedModel, limits: ServerLimits = DEFAULT_LIMITS): ModelServer {
  const app = Fastify({ logger: false, bodyLimit: limits.bodyLimitBytes });
  const metrics = new ServerMetrics();
  // The first model call sets up the backend's kernels: made here, so the first clients do not wait for it.
  predictRows(saved, [new Float32Array(saved.inputShape.reduce((a, b) => a * b, 1))]);
  const batcher = new MicroBatcher(
    (rows) => predictRows(saved, rows),
    limits,
    (rows, requests) => metrics.batch(rows, requests),
  );
  const started = new WeakMap<object, bigint>();
  let inFlight = 0;

  // Clients such as `curl -d` send JSON under any content type: every body is read as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new BadRequestError(`The request body is not valid JSON: ${(error as Error).message}.`), undefined);
    }
  });

  app.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
    inFlight++;
  });
  // Once closing, answers end their keep-alive connection: otherwise close() would wait on clients' idle sockets.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    inFlight--;
    const milliseconds = Number(process.hrtime.bigint() - (started.get(request) ?? process.hrtime.bigint())) / 1e6;
    metrics.request(request.routeOptions.url ?? 'unmatched', reply.statusCode, milliseconds);
    logger.info(`${request.method} ${request.url} ${reply.statusCode} ${milliseconds.toFixed(1)} ms`);
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      logger.error(`model server: ${error.message}`);
      return reply.code(500).send({ error: `Internal error: ${error.message}` });
    }
    if (status === 404) return reply.code(404).send({ error: error.message });
    // TF Serving answers every other client mistake with 400 and {"error": ...}.
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `The request body is larger than the ${megabytes(limits.bodyLimitBytes)} MB allowed.`
        : error.message;
    return reply.code(400).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: `Not found: ${request.method} ${request.url}. Routes: GET /v1/models/${saved.name}, GET /v1/models/${saved.name}/metadata, POST /v1/models/${saved.name}:predict, GET /metrics.`,
    }),
  );

  const checkName = (name: string) => {
    if (name !== saved.name)
      throw Object.assign(new Error(`Servable not found for request: Latest(${name}); this server serves "${saved.name}".`), { statusCode: 404 });
  };
  app.get<{ Params: { name: string } }>('/v1/models/:name', async (request) => {
    checkName(request.params.name);
    return { model_version_status: [{ version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } }] };
  });
  app.get<{ Params: { name: string } }>('/v1/models/:name/metadata', async (request) => {
    checkName(request.params.name);
    return metadata(saved, limits);
  });
  app.post<{ Params: { call: string } }>('/v1/models/:call', async (request) => {
    const colon = request.params.call.lastIndexOf(':');
    const [name, method] = colon < 0 ? [request.params.call, ''] : [request.params.call.slice(0, colon), request.params.call.slice(colon + 1)];
    checkName(name);
    if (method !== 'predict') throw new BadRequestError(`Unsupported method "${method}": this server answers POST /v1/models/${saved.name}:predict.`);
    const instances = parseInstances(request.body, saved.inputShape, limits.maxInstances);
    const rows = await Promise.all(instances.map(async (i) => (i.kind === 'tensor' ? i.values : imageToInstance(i.bytes, i.field, saved))));
    const outputs = await batcher.submit(rows);
    return { predictions: outputs.map((o) => Array.from(o)) };
  });
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));

  return { app, metrics, inFlight: () => inFlight };
}

function predictRows(saved: SavedModel, rows: Float32Array[]): Float32Array[] {
  const width = rows[0].length;
  const input = new Float32Array(rows.length * width);
  rows.forEach((row, i) => input.set(row, i * width));
  const output = tf.tidy(() => (saved.model.predict(tf.tensor(input, [rows.length, ...saved.inputShape])) as tf.Tensor).dataSync() as Float32Array);
  return rows.map((_, i) => output.slice(i * saved.outputSize, (i + 1) * saved.outputSize));
}

/** TF Serving's metadata shape (model_spec + signature_def), plus what a client needs to prepare inputs. */
function metadata(saved: SavedModel, limits: ServerLimits) {
  const dim = (shape: number[]) => ({ dim: [{ size: '-1' }, ...shape.map((d) => ({ size: String(d) }))] });
  return {
    model_spec: { name: saved.name, signature_name: '', version: '1' },
    metadata: {
      signature_def: {
        signature_def: {
          serving_default: {
            inputs: { [saved.model.inputs[0].name]: { dtype: 'DT_FLOAT', tensor_shape: dim(saved.inputShape), name: saved.model.inputs[0].name } },
            outputs: {
              [saved.model.outputs[0].name]: { dtype: 'DT_FLOAT', tensor_shape: dim([saved.outputSize]), name: saved.model.outputs[0].name },
            },
            method_name: 'tensorflow/serving/predict',
          },
        },
      },
    },
    classNames: saved.classNames,
    preprocessing: saved.preprocessing ?? null,
    limits: { maxInstancesPerRequest: limits.maxInstances, maxBodyBytes: limits.bodyLimitBytes },
  };
}

function megabytes(bytes: number): string {
  return String(Math.round((bytes / 1024 / 1024) * 100) / 100);
}
