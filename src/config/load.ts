/** Loads an experiment: YAML with positions → `extends` → `--set` → schema validation → a typed spec. */
import type { Static } from '@sinclair/typebox';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, ConfigIssue } from '../errors';
import type { ExperimentSpec } from './experiment-spec';
import { displayPath, resolveExtends } from './extends';
import { applyOverrides, Override, parseOverride } from './overrides';
import { EXPERIMENT_NAME_PATTERN, ExperimentSchema, experimentSchema } from './schema';
import { formatPath, RawIssue, Validation, validator } from './validate';
import type { YamlSource } from './yaml-source';

export const CONFIG_DIR = 'configs';

export interface LoadedExperiment {
  file: string;
  spec: ExperimentSpec;
  /** A problem found later (the plan check), located where the config wrote `keys`. */
  issueAt?(keys: RawIssue['keys'], message: string): ConfigIssue;
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
    throw new ConfigError(`No config "${ref}": ${displayPath(file)} does not exist.${available.length ? ` Available: ${available.join(', ')}.` : ''}`);
  }
  const overrides = sets.map(parseOverride);
  const { data, sources } = await resolveExtends(file);
  applyOverrides(data, overrides);
  const result = validateExperiment(data);
  if (!result.valid) {
    const count = result.issues.length === 1 ? '1 problem' : `${result.issues.length} problems`;
    throw new ConfigError(`Invalid config ${displayPath(file)} (${count}):`, result.issues.map((p) => locate(p, sources, overrides)));
  }
  const spec: ExperimentSpec = { ...result.value, name: result.value.name ?? path.basename(file).replace(/\.ya?ml$/, '') };
  return { file, spec, issueAt: (keys, message) => locate({ keys, message }, sources, overrides) };
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

/** Attributes an issue to the `--set` that wrote the value, else to the first file (child first) that has the path. */
function locate(issue: RawIssue, sources: YamlSource[], overrides: Override[]): ConfigIssue {
  const pathText = formatPath(issue.keys);
  const override = [...overrides].reverse().find((o) => startsWith(issue.keys, o.keys));
  if (override) return { path: pathText, file: `--set ${override.text}`, message: issue.message };
  const exact = sources.find((s) => s.has(issue.keys)) ?? sources[0];
  const pos = exact.locate(issue.keys);
  return { path: pathText, file: exact.file, line: pos?.line, column: pos?.column, message: issue.message };
}

function startsWith(keys: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= keys.length && prefix.every((k, i) => k === keys[i]);
}
