/** Toy runs as fold jobs, and the same folds trained in the test's own process to compare schedulers against. */
import * as fs from 'fs';
import * as path from 'path';
import { selectBackend } from '../../src/backend/select';
import { loadExperiment } from '../../src/config/load';
import { trainFold } from '../../src/pipeline/fold-training';
import { RunContext } from '../../src/pipeline/run-context';
import { RunFolder } from '../../src/pipeline/run-folder';
import type { FoldJob, FoldOutcome } from '../../src/pipeline/scheduling/fold-scheduler';
import type { EpochRecord } from '../../src/pipeline/trainer';
import { fileChecksums } from '../../src/report/fingerprint';
import { toyConfig } from './fixtures';

export const quiet = { onEpoch: () => undefined, onProgress: () => undefined };

/** A fresh run folder of the toy config (with `sets` applied) and the jobs of its folds, as the train step makes them. */
export async function toyRun(
  cwd: string,
  data: { images: string; labels: string },
  name: string,
  sets: string[] = [],
): Promise<{ context: RunContext; jobs: FoldJob[] }> {
  const file = path.join(cwd, `${name}.yaml`);
  fs.writeFileSync(file, toyConfig(data.images, data.labels));
  const { spec } = await loadExperiment(file, sets);
  const folder = await RunFolder.create(path.join(cwd, 'experiments'), spec.name);
  const context = new RunContext(spec, file, folder, await selectBackend('wasm', { quiet: true }));
  const dataFiles = fileChecksums(context.dataset().files);
  const jobs = context.splits().map((_, fold) => ({
    run: `${spec.name}/${folder.runId}`,
    spec,
    configFile: file,
    runDir: folder.dir,
    fold,
    backend: 'wasm' as const,
    dataFiles,
  }));
  return { context, jobs };
}

/** The numbers of each epoch, without its timings. */
export const scores = (history: EpochRecord[]) => history.map((r) => [r.epoch, r.train, r.validation]);

/** What a scheduler must bring back unchanged: the learning curves, the weights and the validation predictions' summary. */
export const comparable = (outcome: FoldOutcome) => ({
  history: scores(outcome.result.history),
  weights: outcome.weights.map((w) => Array.from(w.values)),
  predictions: outcome.result.predictions,
});

/** Each fold of the run (or its first `folds`) trained in this process, in a folder of its own, as a run without a pool trains it. */
export async function trainedHere(context: RunContext, dir: string, folds = context.splits().length): Promise<ReturnType<typeof comparable>[]> {
  const local = new RunContext(context.spec, context.configFile, await RunFolder.create(dir, context.spec.name), context.backend);
  const results = [];
  for (let fold = 0; fold < folds; fold++) {
    const { model, history, predictions } = await trainFold(local, fold, quiet);
    results.push({ history: scores(history), weights: model!.getWeights().map((w) => Array.from(w.dataSync())), predictions });
    model!.dispose();
  }
  return results;
}
