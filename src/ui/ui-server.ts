/** The web app over an experiments folder: runs table, run pages with live progress, compare, and trying a saved model. */
import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import Fastify, { FastifyInstance } from 'fastify';
import { MODEL_JSON } from '../data/model-input';
import { logger } from '../log';
import { modelFolderFile } from '../pipeline/saved-model';
import { MODEL_DIR } from '../registry/steps/save';
import type { Report } from '../report/report-json';
import { listRuns } from '../pipeline/run-index';
import { listSweeps } from '../pipeline/sweep/sweep-index';
import { readTrialReports } from '../pipeline/sweep/sweep-comparison';
import { readSweepRecord } from '../pipeline/sweep/sweep-record';
import { BrowserBundles } from './browser-bundles';
import { appPage, escapeHtml, reportFrame } from './pages/layout';
import { comparePage } from './pages/compare-page';
import { RunRef, runHref, runPage } from './pages/run-page';
import { runsPage, SweepGroup } from './pages/runs-page';
import { sweepPage } from './pages/sweep-page';
import { tryPage } from './pages/try-page';
import { compareDocument, liveCurvesHtml, runReportDocument, sweepCompareDocument } from './report-views';
import { RunEventStreams } from './run-events';
import { RunProgressReader } from './run-progress';

/** Experiment names and run ids as the runner makes them: no separators, no leading dot. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

class NotFound extends Error {
  readonly statusCode = 404;
}

class BadRequest extends Error {
  readonly statusCode = 400;
}

type RunParams = { Params: { experiment: string; runId: string } };
type ModelFileParams = { Params: { experiment: string; runId: string; file: string } };

/** The folder the save step writes, when the run has one. */
function savedModelDir(runDir: string): string | undefined {
  const dir = path.join(runDir, MODEL_DIR);
  return existsSync(path.join(dir, MODEL_JSON)) ? dir : undefined;
}
type SweepParams = { Params: { experiment: string; sweepId: string } };

export function createUiServer(experimentsDir: string): FastifyInstance {
  const app = Fastify({ logger: false });
  const bundles = new BrowserBundles();
  const streams = new RunEventStreams();
  app.addHook('preClose', async () => streams.closeAll());

  const runDir = ({ experiment, runId }: RunRef): string => {
    const dir = path.join(experimentsDir, experiment, runId);
    if (!NAME.test(experiment) || !NAME.test(runId) || !existsSync(dir)) throw new NotFound(`No run ${experiment}/${runId} under ${experimentsDir}.`);
    return dir;
  };
  const readReport = async (run: RunRef): Promise<Report> => {
    const file = path.join(runDir(run), 'report.json');
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as Report;
    } catch {
      throw new NotFound(`${run.experiment}/${run.runId} has no readable report.json yet.`);
    }
  };

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) logger.error(`ui: ${request.method} ${request.url}: ${error.message}`);
    const title = status === 404 ? 'Not found' : status === 400 ? 'Cannot show this' : 'Error';
    return reply
      .code(status)
      .type('text/html')
      .send(appPage(title, `<h1>${title}</h1><p class="panel">${escapeHtml(error.message)}</p><p><a href="/">All runs</a></p>`));
  });
  app.setNotFoundHandler((request) => Promise.reject(new NotFound(`Nothing at ${request.url}.`)));

  app.get('/', async (_request, reply) => {
    const runs = await listRuns(experimentsDir);
    const sweeps: SweepGroup[] = [];
    for (const sweep of await listSweeps(experimentsDir)) {
      const record = await readSweepRecord(sweep.dir).catch(() => undefined);
      sweeps.push({ sweep, trialRuns: record?.trials.flatMap((t) => (t.run ? [t.run] : [])) ?? [] });
    }
    const withModel = new Set(runs.filter((r) => savedModelDir(r.dir)).map((r) => `${r.experiment}/${r.runId}`));
    return reply.type('text/html').send(runsPage(runs, sweeps, withModel));
  });

  app.get<RunParams>('/runs/:experiment/:runId', async (request, reply) => {
    const dir = runDir(request.params);
    const progress = await new RunProgressReader(dir).read();
    const live = progress.hasReport ? '' : await liveCurvesHtml(progress, dir);
    return reply.type('text/html').send(runPage(request.params, progress, live, savedModelDir(dir) !== undefined));
  });
  app.get<RunParams>('/runs/:experiment/:runId/live', async (request, reply) => {
    const dir = runDir(request.params);
    const progress = await new RunProgressReader(dir).read();
    return reply
      .type('text/html')
      .send(progress.hasReport ? reportFrame(`${runHref(request.params)}/report.html`, 'report') : await liveCurvesHtml(progress, dir));
  });
  app.get<RunParams>('/runs/:experiment/:runId/events', async (request, reply) => streams.stream(reply, runDir(request.params)));
  app.get<RunParams>('/runs/:experiment/:runId/report.html', async (request, reply) => {
    const { state } = await new RunProgressReader(runDir(request.params)).read();
    return reply.type('text/html').send(await runReportDocument(await readReport(request.params), state));
  });

  const modelDir = (run: RunRef): string => {
    const dir = savedModelDir(runDir(run));
    if (!dir)
      throw new NotFound(
        `${run.experiment}/${run.runId} has no saved model (${MODEL_DIR}/${MODEL_JSON}): a run saves one when its steps include save.`,
      );
    return dir;
  };
  app.get<RunParams>('/runs/:experiment/:runId/try', async (request, reply) => {
    modelDir(request.params);
    return reply.type('text/html').send(tryPage(request.params));
  });
  // model.json, its weight files and preprocessing.json, for tf.loadLayersModel in the browser; nothing outside model/.
  app.get<ModelFileParams>('/runs/:experiment/:runId/model/:file', async (request, reply) => {
    const { file } = request.params;
    const found = modelFolderFile(modelDir(request.params), file);
    const stat = found ? await fs.stat(found).catch(() => undefined) : undefined;
    if (!found || !stat?.isFile()) throw new NotFound(`No file "${file}" in the model of ${request.params.experiment}/${request.params.runId}.`);
    return reply
      .type(found.endsWith('.json') ? 'application/json' : 'application/octet-stream')
      .header('cache-control', 'no-cache')
      .send(await fs.readFile(found));
  });

  const compareRefs = (query: unknown): RunRef[] => {
    const raw = (query as { run?: string | string[] }).run;
    const keys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (keys.length < 2) throw new BadRequest('Compare needs two or more runs: tick them in the runs table.');
    return keys.map((key) => {
      const [experiment, runId, ...rest] = key.split('/');
      if (!experiment || !runId || rest.length > 0) throw new BadRequest(`"${key}" is not <experiment>/<runId>.`);
      runDir({ experiment, runId });
      return { experiment, runId };
    });
  };
  const compareReports = async (refs: RunRef[]) => {
    const reports = [];
    for (const ref of refs) {
      const state = (await new RunProgressReader(runDir(ref)).read()).state;
      if (state !== 'complete') throw new BadRequest(`${ref.experiment}/${ref.runId} is ${state}: only complete runs can be compared.`);
      reports.push(await readReport(ref));
    }
    return reports;
  };
  app.get('/compare', async (request, reply) => {
    const refs = compareRefs(request.query);
    await compareReports(refs);
    return reply.type('text/html').send(comparePage(refs));
  });
  app.get('/compare/report.html', async (request, reply) =>
    reply.type('text/html').send(await compareDocument(await compareReports(compareRefs(request.query)))),
  );

  const findSweep = async ({ experiment, sweepId }: SweepParams['Params']) => {
    const sweep =
      NAME.test(experiment) && NAME.test(sweepId)
        ? (await listSweeps(experimentsDir)).find((s) => s.experiment === experiment && s.sweepId === sweepId)
        : undefined;
    if (!sweep) throw new NotFound(`No sweep ${experiment}/${sweepId} under ${experimentsDir}.`);
    return sweep;
  };
  app.get<SweepParams>('/sweeps/:experiment/:sweepId', async (request, reply) =>
    reply.type('text/html').send(sweepPage(await findSweep(request.params))),
  );
  app.get<SweepParams>('/sweeps/:experiment/:sweepId/compare.html', async (request, reply) => {
    const record = await readSweepRecord((await findSweep(request.params)).dir);
    return reply.type('text/html').send(await sweepCompareDocument(record, await readTrialReports(record, experimentsDir)));
  });

  app.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    const name = request.params.name.replace(/\.js$/, '');
    if (!BrowserBundles.isBundle(name)) throw new NotFound(`No script ${request.params.name}.`);
    return reply
      .type('text/javascript')
      .header('cache-control', 'no-cache')
      .send(await bundles.get(name));
  });
  return app;
}
