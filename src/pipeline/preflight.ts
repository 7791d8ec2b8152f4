/** What a run checks before it trains anything: the stages apply to the data, and the model fits the data and the loss. */
import { LoadedExperiment, locateIssues } from '../config/load';
import { ConfigError, formatIssueLocation } from '../errors';
import { logger } from '../log';
import { checkModelAgainstData } from './model-data-check';
import { buildModel } from './model-builder';
import type { RunContext } from './run-context';

/**
 * Throws a ConfigError located in the config for what cannot work; logs a located warning for what looks wrong,
 * and returns the warnings as logged.
 */
export function preflight(loaded: LoadedExperiment, context: Pick<RunContext, 'dataset' | 'random'>): string[] {
  try {
    const dataset = context.dataset();
    const model = buildModel(loaded.spec.model.layers, dataset.sampleShape, context.random('preflight'));
    try {
      return checkModelAgainstData(loaded.spec, dataset, model).map((warning) => {
        const text = `${formatIssueLocation({ ...warning, ...(warning.keys ? loaded.locate(warning.keys) : {}) })}: ${warning.message}`;
        logger.warn(text);
        return text;
      });
    } finally {
      model.dispose();
    }
  } catch (error) {
    throw error instanceof ConfigError ? locateIssues(error, loaded) : error;
  }
}
