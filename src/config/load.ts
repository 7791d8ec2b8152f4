/** Loads an experiment: YAML with positions → `extends` → `--set` → schema validation → a typed spec. */
import type { Static } from '@sinclair/typebox';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ConfigIssue } from '../errors';
import type { ExperimentSpec } from './experiment-spec';
import { displayPath, resolveExtends } from './extends';
import { applyOverrides, Override, parseOverride } from './overrides';
import { EXPERIMENT_NAME_PATTERN, ExperimentSchema, experimentSchema } from './schema';
import { formatPath, Validation, validator } from './validate';
import type { PathKey, YamlSource } from './yaml-source';

export const CONFIG_DIR = 'configs';

export interface LoadedExperiment {
  file: string;
  spec: ExperimentSpec;
  /** Where a setting of the spec was written: the `--set` that wrote it, else the file (child first), line and column. */
  locate(keys: readonly PathKey[]): Omit<ConfigIssue, 'message'>;
}

/** `baseline` means configs/baseline.yaml; anything with a slash or a .yaml/.yml ending is a path. */
export function configPath(ref: string, configDir = CONFIG_DIR): string {
  if (ref.includes('/') || ref.includes(path.sep) || /\.ya?ml$/.test(ref)) return path.resolve(ref);
  if (!new RegExp(EXPERIMENT_NAME_PATTERN).test(ref)) {
    throw new ConfigError(`"${ref}" is not a valid experiment name: use letters, digits, "-", "_" and ".", or give a path to a .yaml file.`);
  }
  return path.resolve(configDir, `${ref}.yaml`);
}

export async function loadExperiment(ref: string, sets: readonly string[] = [], configDir = CONFIG_DIR): Promise<LoadedExperiment> {
  const file = configPath(ref, configDir);
  if (!fs.existsSync(file)) {
    const available = listConfigNames(configDir);
    throw new ConfigError(
      `No config "${ref}": ${displayPath(file)} does not exist.${available.length ? ` Available: ${available.join(', ')}.` : ''}`,
    );
  }
  const overrides = sets.map(parseOverride);
  const { data, sources } = await resolveExtends(file, { configDir });
  applyOverrides(data, overrides);
  const result = validateExperiment(data);
  const locateKeys = (keys: readonly PathKey[]) => locate(keys, sources, overrides);
  if (!result.valid) {
    const count = result.issues.length === 1 ? '1 problem' : `${result.issues.length} problems`;
    throw new ConfigError(
      `Invalid config ${displayPath(file)} (${count}):`,
      result.issues.map((issue) => ({ ...locateKeys(issue.keys), message: issue.message })),
    );
  }
  const spec: ExperimentSpec = { ...result.value, name: result.value.name ?? path.basename(file).replace(/\.ya?ml$/, '') };
  return { file, spec, locate: locateKeys };
}

/**
 * The same error with each issue that names a setting (`keys`) but no place tied to where the config wrote it,
 * for problems found after loading: a stage that cannot apply to the data, a model that does not fit it.
 */
export function locateIssues(error: ConfigError, loaded: Pick<LoadedExperiment, 'locate'>): ConfigError {
  if (!error.issues.some((issue) => issue.keys && !issue.file)) return error;
  const issues = error.issues.map((issue) => (issue.keys && !issue.file ? { ...issue, ...loaded.locate(issue.keys) } : issue));
  return new ConfigError(error.header, issues);
}

let compiled: ReturnType<typeof validator<ExperimentSchema>> | undefined;

function validateExperiment(data: unknown): Validation<Static<ExperimentSchema>> {
  compiled ??= validator(experimentSchema());
  return compiled(data);
}

export function listConfigNames(configDir = CONFIG_DIR): string[] {
  if (!fs.existsSync(configDir)) return [];
  return fs
    .readdirSync(configDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/** Attributes a path to the `--set` that wrote the value, else to the first file (child first) that has the path. */
function locate(keys: readonly PathKey[], sources: YamlSource[], overrides: Override[]): Omit<ConfigIssue, 'message'> {
  const pathText = formatPath(keys);
  const override = [...overrides].reverse().find((o) => startsWith(keys, o.keys));
  if (override) return { path: pathText, file: `--set ${override.text}` };
  const exact = sources.find((s) => s.has(keys)) ?? sources[0];
  const pos = exact.locate(keys);
  // A --set inside the setting may be what made it wrong: name it beside the place in the file.
  const inside = overrides.filter((o) => startsWith(o.keys, keys)).map((o) => `--set ${o.text}`);
  const changed = inside.length > 0 ? ` (changed by ${inside.join(', ')})` : '';
  return { path: `${pathText}${changed}`, file: exact.file, line: pos?.line, column: pos?.column };
}

function startsWith(keys: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= keys.length && prefix.every((k, i) => k === keys[i]);
}
