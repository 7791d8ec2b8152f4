/**
 * Assembles the experiment's JSON Schema from the registry, so component names and options are written once:
 * each kind's reference schema goes under `$defs`, and each kind's setting goes where the kind says it is
 * written (`Registry.writtenAt`). The spec's TypeScript type is derived from the same assembly (experiment-spec.ts).
 */
import { TSchema, Type } from '@sinclair/typebox';
import { registry } from '../registry';
import type { JsonSchema } from '../registry/json-schema';
import { enumOf, options } from '../registry/options';
import type { Placement } from '../registry/registry';
import { BACKEND_NAMES, BLAS_NAMES } from './backend-names';
import { sweepSchema } from './sweep-schema';
import { earlyStoppingSettings } from './early-stopping-settings';

export const SCHEMA_ID = 'pipeline:experiment.schema.json';

/** Run folders are named after experiments: no path separators, no dot-dot, no leading dot. */
export const EXPERIMENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*$';

/** The sections a kind may be written in (`data.source`); a kind written at a bare key is top-level (`evaluation`). */
const SECTIONS = ['data', 'model', 'training'] as const;
type Section = (typeof SECTIONS)[number];

type Kinds = typeof registry;
type AtOf<K> = K extends { placement: Placement<infer At, TSchema> } ? At : never;
type SettingOf<K> = K extends { placement: Placement<string, infer S> } ? S : never;
// Distributive over `At`, so a kind without a placement (At = never) gives no key rather than `string`.
type KeyIn<At, S extends string> = At extends `${S}.${infer Key}` ? Key : never;
type TopLevelKey<At> = At extends `${string}.${string}` ? never : At;
/** The settings the kinds write in `section`, by the key after the dot. */
type SettingsIn<S extends Section> = { [N in keyof Kinds as KeyIn<AtOf<Kinds[N]>, S>]: SettingOf<Kinds[N]> };
/** The settings the kinds write at the top level of a config. */
type TopLevelSettings = { [N in keyof Kinds as TopLevelKey<AtOf<Kinds[N]>>]: SettingOf<Kinds[N]> };

function assemble() {
  return options(
    {
      extends: Type.Optional(Type.String({ minLength: 1, description: 'Another config to start from: a name in the same folder or a path.' })),
      name: Type.Optional(
        Type.String({ pattern: EXPERIMENT_NAME_PATTERN, maxLength: 100, description: 'Names the run folder; defaults to the file name.' }),
      ),
      description: Type.Optional(Type.String({ maxLength: 2000, description: 'What this experiment tries.' })),
      seed: Type.Integer({ minimum: 0, maximum: 2147483647, default: 1, description: 'Seeds weight init, shuffles and batch order.' }),
      runtime: options(
        {
          backend: enumOf(BACKEND_NAMES, {
            default: 'auto',
            title: 'backend',
            description: 'auto takes tensorflow (tfjs-node) when it loads, else native (wasm with OpenBLAS kernels) when it loads, else wasm.',
          }),
          blas: enumOf(BLAS_NAMES, {
            default: 'auto',
            title: 'blas',
            description:
              "The native backend's matrix product: auto times OpenBLAS (at its own core type and at the best one this CPU runs) and the built-in product once per machine and keeps the fastest correct one; openblas or builtin picks one.",
          }),
          workers: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 64 })], {
            default: 'auto',
            description:
              'Cores training folds in parallel, a process each: auto is one per core (at most one per fold). While the folds left do not divide evenly over them, a few more processes share them (5 folds on 2: 3 at once, then 2), so no fold trains alone at the end.',
          }),
          queue: Type.Optional(
            Type.String({
              pattern: '^rediss?://',
              description: 'A Redis URL (redis://host:port): folds go on its BullMQ queue and `pipeline worker` processes on any machine train them.',
            }),
          ),
        },
        { default: {} },
      ),
      data: options(settingsIn('data')),
      model: options(settingsIn('model')),
      training: options({
        ...settingsIn('training'),
        epochs: Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Passes over the training data.' }),
        batchSize: Type.Integer({ minimum: 1, maximum: 65536, default: 32, description: 'Images per gradient step.' }),
        earlyStopping: Type.Optional(earlyStoppingSettings),
      }),
      ...topLevelSettings(),
      sweep: Type.Optional(sweepSchema),
    },
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: SCHEMA_ID,
      title: 'Experiment',
      description: 'One ML experiment: data, model, training, evaluation and the steps that run them.',
      $defs: Object.fromEntries(Object.values(registry).map((kind): [string, JsonSchema] => [kind.kind, kind.referenceSchema()])),
    },
  );
}

export type ExperimentSchema = ReturnType<typeof assemble>;

let assembled: ExperimentSchema | undefined;

/** The schema, assembled once: the registry does not change while the process runs. */
export function experimentSchema(): ExperimentSchema {
  assembled ??= assemble();
  return assembled;
}

/** Every kind's placement, checked: an unknown section or two kinds at one place is an author bug. */
function placements(): Placement[] {
  const found = Object.values(registry).flatMap((kind) => ('placement' in kind ? [kind.placement] : []));
  for (const { at } of found) {
    const section = at.includes('.') ? at.slice(0, at.indexOf('.')) : undefined;
    if (section !== undefined && !(SECTIONS as readonly string[]).includes(section)) {
      throw new Error(`A kind is written at "${at}", but configs have no section "${section}" (sections: ${SECTIONS.join(', ')}).`);
    }
    if (found.filter((p) => p.at === at).length > 1) throw new Error(`Two kinds are written at "${at}".`);
  }
  return found;
}

// The assertions below are where the registry's runtime placements meet their compile-time types: each function
// builds exactly the keys its type maps, from the same `placement` objects.
function settingsIn<S extends Section>(section: S): SettingsIn<S> {
  const prefix = `${section}.`;
  const entries = placements()
    .filter((p) => p.at.startsWith(prefix))
    .map((p) => [p.at.slice(prefix.length), p.setting]);
  return Object.fromEntries(entries) as SettingsIn<S>;
}

function topLevelSettings(): TopLevelSettings {
  return Object.fromEntries(
    placements()
      .filter((p) => !p.at.includes('.'))
      .map((p) => [p.at, p.setting]),
  ) as TopLevelSettings;
}
