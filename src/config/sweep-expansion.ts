/** Expands a config's `sweep:` section into trials, each an ordinary list of `--set` overrides over the base config. */
import { parse } from 'yaml';
import { ConfigError, ConfigIssue } from '../errors';
import { stream } from '../random';
import { logger } from '../log';
import { EXPERIMENT_NAME_PATTERN } from './schema';
import { Distribution, KEY_PATH_PATTERN, SweepSpec } from './sweep-schema';

export interface TrialSetting {
  path: string;
  value: unknown;
}

export interface Trial {
  /** `t1`, `t2`, ... zero-padded so they sort in order. */
  id: string;
  /** The trial's experiment name: the base name and its settings, e.g. `quick.learningRate-0.1`. */
  name: string;
  settings: TrialSetting[];
  /** The settings as `--set` texts (`training.optimizer.learningRate=0.1`). */
  overrides: string[];
}

export const MAX_TRIALS = 1000;
/** Drawn floats keep this many significant digits: readable names and configs, and finer than any sweep needs. */
const SIGNIFICANT_DIGITS = 4;
/** Settings a trial may not change: they name the experiment or are the sweep itself. */
const NOT_SWEPT = ['name', 'extends', 'description', 'sweep'];

export function rankingGoal(sweep: SweepSpec): 'maximize' | 'minimize' {
  return sweep.goal ?? (sweep.metric === 'loss' ? 'minimize' : 'maximize');
}

/** Every trial of the sweep, in a fixed order: the grid's first key varies slowest, then the random draws. */
export function expandSweep(baseName: string, sweep: SweepSpec, seed: number): Trial[] {
  checkSweep(sweep);
  const gridPoints = cartesian(Object.entries(sweep.grid ?? {}));
  const draws = sweep.random ? randomDraws(sweep.random, seed) : [[]];
  const seen = new Set<string>();
  const combined: TrialSetting[][] = [];
  for (const point of gridPoints) {
    for (const draw of draws) {
      const settings = [...point, ...draw];
      const key = JSON.stringify(settings);
      if (!seen.has(key)) combined.push(settings);
      seen.add(key);
    }
  }
  const drawn = gridPoints.length * draws.length;
  if (combined.length < drawn) logger.info(`sweep: ${drawn - combined.length} of ${drawn} random draws repeat an earlier trial and are left out`);
  if (combined.length > MAX_TRIALS) throw new ConfigError(`The sweep expands to ${combined.length} trials; at most ${MAX_TRIALS} are allowed.`);
  const width = String(combined.length).length;
  const labels = pathLabels(combined[0].map((s) => s.path));
  const names = new Set<string>();
  return combined.map((settings, i) => {
    const id = `t${String(i + 1).padStart(width, '0')}`;
    let name = `${baseName}.${settings.map((s) => `${labels.get(s.path)}-${valueSlug(s.value)}`).join('.')}`;
    if (settings.length === 0 || names.has(name) || name.length > 100 || !new RegExp(EXPERIMENT_NAME_PATTERN).test(name)) name = `${baseName}.${id}`;
    names.add(name);
    return { id, name, settings, overrides: settings.map((s) => `${s.path}=${JSON.stringify(s.value)}`) };
  });
}

/** `--grid key.path=v1,v2,...`: the values are read as a YAML flow list, so `3,[3,5]` and `relu,tanh` work. */
export function parseGridOption(text: string): { path: string; values: unknown[] } {
  const usage = `--grid ${text}: expected key.path=value1,value2,..., e.g. --grid training.optimizer.learningRate=0.1,0.01`;
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigError(usage);
  const path = text.slice(0, eq);
  if (!new RegExp(KEY_PATH_PATTERN).test(path))
    throw new ConfigError(`--grid ${text}: "${path}" is not a key path (use names and [index], e.g. model.layers[0].filters)`);
  let values: unknown;
  try {
    values = parse(`[${text.slice(eq + 1)}]`);
  } catch (error) {
    throw new ConfigError(`--grid ${text}: the values are not a valid YAML list (${(error as Error).message.split('\n')[0]})`);
  }
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => v === null)) throw new ConfigError(usage);
  return { path, values };
}

/** The sweep with `--grid` options added; a path given on the command line replaces the config's values for it. */
export function withGridOptions(sweep: SweepSpec | undefined, grids: readonly string[]): SweepSpec | undefined {
  if (grids.length === 0) return sweep;
  const grid = { ...(sweep?.grid ?? {}) };
  for (const text of grids) {
    const { path, values } = parseGridOption(text);
    grid[path] = values;
  }
  return { metric: 'accuracy', ...sweep, grid };
}

function checkSweep(sweep: SweepSpec): void {
  const issues: ConfigIssue[] = [];
  const where = (section: string, path: string, rest = '') => `sweep.${section}[${JSON.stringify(path)}]${rest}`;
  const checkPath = (section: string, path: string) => {
    if (!new RegExp(KEY_PATH_PATTERN).test(path))
      issues.push({ path: where(section, path), message: 'is not a key path (use names and [index], e.g. model.layers[0].filters)' });
    const first = path.split(/[.[]/)[0];
    if (NOT_SWEPT.includes(first)) issues.push({ path: where(section, path), message: `"${first}" cannot be swept` });
  };
  for (const [path, values] of Object.entries(sweep.grid ?? {})) {
    checkPath('grid', path);
    if (values.length === 0) issues.push({ path: where('grid', path), message: 'needs at least one value' });
    const texts = values.map((v) => JSON.stringify(v));
    const repeated = texts.find((t, i) => texts.indexOf(t) !== i);
    if (repeated !== undefined) issues.push({ path: where('grid', path), message: `lists the value ${repeated} twice` });
  }
  for (const [path, distribution] of Object.entries(sweep.random?.parameters ?? {})) {
    checkPath('random.parameters', path);
    if (sweep.grid && path in sweep.grid)
      issues.push({ path: where('random.parameters', path), message: 'is also in sweep.grid; sweep a setting one way' });
    if (distribution.type === 'choice') {
      if (distribution.values.length === 0) issues.push({ path: where('random.parameters', path, '.values'), message: 'needs at least one value' });
      continue;
    }
    if (!(distribution.min < distribution.max))
      issues.push({ path: where('random.parameters', path), message: `min (${distribution.min}) must be below max (${distribution.max})` });
    if (distribution.type === 'logUniform' && !(distribution.min > 0))
      issues.push({ path: where('random.parameters', path, '.min'), message: 'must be above 0 for a log-uniform distribution' });
    if (distribution.type === 'int' && !(Number.isInteger(distribution.min) && Number.isInteger(distribution.max))) {
      issues.push({ path: where('random.parameters', path), message: 'min and max must be integers for an int distribution' });
    }
  }
  if (Object.keys(sweep.grid ?? {}).length === 0 && Object.keys(sweep.random?.parameters ?? {}).length === 0) {
    issues.push({ path: 'sweep', message: 'sweeps nothing: give sweep.grid or sweep.random.parameters (or --grid key=v1,v2)' });
  }
  if (issues.length > 0) throw new ConfigError(`Invalid sweep (${issues.length === 1 ? '1 problem' : `${issues.length} problems`}):`, issues);
}

function cartesian(axes: [string, unknown[]][]): TrialSetting[][] {
  let points: TrialSetting[][] = [[]];
  for (const [path, values] of axes) points = points.flatMap((point) => values.map((value) => [...point, { path, value }]));
  return points;
}

/** One stream per parameter, so adding a parameter does not change the values drawn for the others. */
function randomDraws(random: NonNullable<SweepSpec['random']>, seed: number): TrialSetting[][] {
  const columns = Object.entries(random.parameters).map(([path, distribution]) => {
    const generator = stream(random.seed ?? seed, `sweep.random.${path}`);
    return Array.from({ length: random.trials }, () => ({ path, value: draw(distribution, generator.next()) }));
  });
  return Array.from({ length: random.trials }, (_, i) => columns.map((column) => column[i]));
}

function draw(distribution: Distribution, u: number): unknown {
  switch (distribution.type) {
    case 'choice':
      return distribution.values[Math.floor(u * distribution.values.length)];
    case 'int':
      return distribution.min + Math.floor(u * (distribution.max - distribution.min + 1));
    case 'uniform':
      return rounded(distribution.min + u * (distribution.max - distribution.min), distribution);
    case 'logUniform': {
      const [lo, hi] = [Math.log(distribution.min), Math.log(distribution.max)];
      return rounded(Math.exp(lo + u * (hi - lo)), distribution);
    }
  }
}

function rounded(value: number, range: { min: number; max: number }): number {
  return Math.min(range.max, Math.max(range.min, Number(value.toPrecision(SIGNIFICANT_DIGITS))));
}

/** The last name in each path (`learningRate`), or the whole path where two paths end in the same name. */
function pathLabels(paths: string[]): Map<string, string> {
  const last = (p: string) =>
    p
      .replace(/\[\d+\]$/g, '')
      .split('.')
      .pop()!
      .replace(/\[(\d+)\]/g, '$1');
  const whole = (p: string) => p.replace(/\[(\d+)\]/g, '$1').replace(/\./g, '-');
  return new Map(paths.map((p) => [p, paths.filter((q) => last(q) === last(p)).length > 1 ? whole(p) : last(p)]));
}

function valueSlug(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.replace(/[^A-Za-z0-9_-]/g, '_');
  return '?';
}
