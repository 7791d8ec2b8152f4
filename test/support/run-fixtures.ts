/** Run folders as the runner leaves them (status.json, log.jsonl, report.json), written directly for web-app tests. */
import * as fs from 'fs';
import * as path from 'path';
import type { RunState, RunStatus } from '../../src/pipeline/run-folder';
import type { EpochRecord } from '../../src/pipeline/trainer';
import type { Report } from '../../src/report/report-json';
import { summarize } from '../../src/report/stats';

export interface FixtureRun {
  experiment: string;
  runId: string;
  state: RunState;
  /** Validation accuracy of each fold's last epoch; its length is the fold count. */
  accuracies: number[];
  epochs?: number;
  /** Epochs finished so far, for a run under way (default: all). */
  epochsDone?: number;
  seed?: number;
}

export function epochRecord(epoch: number, accuracy: number): EpochRecord {
  return {
    epoch,
    train: { loss: 1 / (epoch + 1), accuracy: accuracy - 0.01 / epoch },
    validation: { loss: 1.1 / (epoch + 1), accuracy: accuracy - 0.02 / epoch },
    seconds: 2,
    imagesPerSecond: 800,
  };
}

/** The line the train step writes to log.jsonl when a fold finishes an epoch. */
export function epochLogLine(fold: number, epochs: number, record: EpochRecord): string {
  return `${JSON.stringify({ level: 'info', message: `fold ${fold + 1} epoch ${record.epoch}/${epochs}`, event: 'epoch', fold, epochs, record, timestamp: new Date().toISOString() })}\n`;
}

export function writeStatus(dir: string, run: Pick<FixtureRun, 'experiment' | 'runId'>, state: RunState, pid = process.pid): void {
  const status: RunStatus = {
    state,
    runId: run.runId,
    experiment: run.experiment,
    startedAt: `${run.runId.slice(0, 4)}-${run.runId.slice(4, 6)}-${run.runId.slice(6, 8)}T${run.runId.slice(9, 11)}:${run.runId.slice(11, 13)}:00.000Z`,
    updatedAt: new Date().toISOString(),
    pid,
    host: 'test',
  };
  fs.writeFileSync(path.join(dir, 'status.json'), JSON.stringify(status));
}

/** Writes experiments/<experiment>/<runId>/; a complete run gets its report.json. Returns the folder. */
export function writeRun(experimentsDir: string, run: FixtureRun): string {
  const dir = path.join(experimentsDir, run.experiment, run.runId);
  fs.mkdirSync(dir, { recursive: true });
  const epochs = run.epochs ?? 3;
  const done = run.epochsDone ?? epochs;
  const history = (accuracy: number, count: number) => Array.from({ length: count }, (_, e) => epochRecord(e + 1, accuracy));
  const log = run.accuracies.flatMap((a, fold) => history(a, done).map((r) => epochLogLine(fold, epochs, r)));
  fs.writeFileSync(path.join(dir, 'log.jsonl'), log.join(''));
  writeStatus(dir, run, run.state);
  if (run.state === 'complete') fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(fixtureReport(run, epochs)));
  return dir;
}

export function fixtureReport(run: FixtureRun, epochs = run.epochs ?? 3): Report {
  const folds = run.accuracies.length;
  const validationSize = 200;
  return {
    schemaVersion: 2,
    reportVersion: 1,
    experiment: {
      name: run.experiment,
      description: `${run.experiment} fixture`,
      runId: run.runId,
      configFile: `configs/${run.experiment}.yaml`,
      configHash: 'fixture-hash',
      seed: run.seed ?? 1,
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    runtime: { backend: 'wasm', versions: { 'tfjs-core': '4.22.0' }, cores: 2, platform: 'linux-x64' },
    data: {
      origin: 'fixture',
      samples: folds * validationSize,
      sampleShape: [28, 28, 1],
      classCounts: new Array<number>(10).fill((folds * validationSize) / 10),
      files: [{ path: 'fixture-images', bytes: 1000, sha256: 'a'.repeat(64) }],
    },
    model: {
      parameters: 7850,
      layers: [
        { type: 'Flatten', outputShape: [null, 784], parameters: 0 },
        { type: 'Dense', outputShape: [null, 10], parameters: 7850 },
      ],
    },
    evaluation: { type: 'kfold', splits: folds },
    folds: run.accuracies.map((accuracy, fold) => ({
      fold,
      trainSize: (folds - 1) * validationSize,
      validationSize,
      accuracy,
      loss: 0.3,
      scores: { accuracy, loss: 0.3 },
      history: Array.from({ length: epochs }, (_, e) => epochRecord(e + 1, accuracy)),
    })),
    summary: { accuracy: summarize(run.accuracies), loss: summarize(run.accuracies.map(() => 0.3)) },
    timing: { seconds: 42, trainSeconds: 40, trainImages: folds * (folds - 1) * validationSize * epochs, trainImagesPerSecond: 800 },
  };
}

/** Two complete runs, one under way (1 of 3 epochs) and one failed: what the web-app tests look at. */
export function writeFixtureRuns(experimentsDir: string): void {
  writeRun(experimentsDir, { experiment: 'baseline', runId: '20260101-100000-aaaa', state: 'complete', accuracies: [0.981, 0.985, 0.983] });
  writeRun(experimentsDir, { experiment: 'batchnorm', runId: '20260102-100000-bbbb', state: 'complete', accuracies: [0.986, 0.988, 0.987] });
  writeRun(experimentsDir, { experiment: 'deeper', runId: '20260103-100000-cccc', state: 'running', accuracies: [0.97, 0.96], epochsDone: 1 });
  writeRun(experimentsDir, { experiment: 'quick', runId: '20260104-100000-dddd', state: 'failed', accuracies: [0.5] });
}
