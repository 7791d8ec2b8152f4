/** The one registry mechanism: a named collection of components of one kind, each with its options schema. */
import type { SchemaOptions, Static, TObject, TSchema, TUnsafe } from '@sinclair/typebox';
import { ConfigError } from '../errors';
import { didYouMean } from './did-you-mean';
import type { JsonSchema } from './json-schema';
import { componentRef } from './options';

/**
 * A pluggable piece picked by `type` in a config. Its options type is derived from `optionsSchema` (a TypeBox
 * schema), so the two cannot drift; `create` gets options already validated and completed with the schema's
 * defaults. Declare one through its kind's helper, e.g. `layer({ name, description, optionsSchema, create })`,
 * which infers `S` so that `create`'s options are typed without writing the type out.
 */
export interface Component<S extends TObject = TObject, Product = unknown, Context = void> {
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: S;
  create(options: Static<S>, context: Context): Product;
}

/** Any component, whatever its options, product and context: the bound of a registry's component type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any product and context, as a bound; `unknown` would reject every specific one
export type AnyComponent = Component<TObject, any, any>;

/** A reference to a component as written in a config, after validation: a bare name, or `{ type, ...options }`. */
export type ComponentRef = string | ({ type: string } & Record<string, unknown>);

/** Where configs write references to a kind (`training.optimizer`, or a top-level key such as `evaluation`), and that setting's schema. */
export interface Placement<At extends string = string, S extends TSchema = TSchema> {
  readonly at: At;
  readonly setting: S;
}

export interface RegistryOptions {
  /** What the components are called in messages, in the plural, where that is not the kind ("evaluation schemes"). */
  noun?: string;
  /** Whether a bare string may stand for a component without options (default: yes). */
  shorthand?: boolean;
}

export class Registry<C extends AnyComponent> {
  private readonly components = new Map<string, C>();
  readonly noun: string;
  readonly shorthand: boolean;

  /**
   * @param kind the registry's key in src/registry/index.ts, which is also its name under `$defs` in the
   *   experiment schema (what `componentRef(kind)` points at).
   */
  constructor(
    readonly kind: string,
    readonly description: string,
    options: RegistryOptions = {},
  ) {
    this.noun = options.noun ?? kind;
    this.shorthand = options.shorthand ?? true;
  }

  register(component: C): this {
    if (this.components.has(component.name)) {
      // An author bug, not a user error: two components claim the same name.
      throw new Error(`${this.kind}: "${component.name}" is registered twice`);
    }
    this.components.set(component.name, component);
    return this;
  }

  /**
   * Declares where configs write references to this kind and the schema of that setting, built from `ref` (a
   * reference to one of these components). The experiment schema collects every kind's placement, so a new kind
   * becomes part of the config format, and of the typed spec, without an edit there.
   */
  writtenAt<At extends string, S extends TSchema>(
    at: At,
    setting: (ref: (options?: SchemaOptions) => TUnsafe<ComponentRef>) => S,
  ): this & { readonly placement: Placement<At, S> } {
    return Object.assign(this, { placement: { at, setting: setting((options) => componentRef(this.kind, options)) } });
  }

  get(name: string): C {
    const component = this.components.get(name);
    if (!component) {
      throw new ConfigError(`Unknown ${this.singular} "${name}".${didYouMean(name, this.names())} Known ${this.noun}: ${this.names().join(', ')}.`);
    }
    return component;
  }

  /** Builds the component a validated reference names, its options completed with the schema's defaults. */
  instantiate(ref: ComponentRef, context: Parameters<C['create']>[1]): ReturnType<C['create']> {
    const { type, options } = resolveRef(ref);
    const component = this.get(type);
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- typed by C['create'], the `any` is AnyComponent's bound
    return component.create(withDefaults(component.optionsSchema, options), context);
  }

  names(): string[] {
    return [...this.components.keys()];
  }

  list(): C[] {
    return [...this.components.values()];
  }

  get singular(): string {
    return this.noun.replace(/ies$/, 'y').replace(/s$/, '');
  }

  /**
   * The JSON Schema of a reference to one of these components: `{ type: name, ...options }`, or just `name`
   * when the registry allows shorthand. One `if/then` per component keeps ajv's errors to the branch taken.
   */
  referenceSchema(): JsonSchema {
    const names = this.names();
    const objectForm: JsonSchema = {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string', enum: names, title: this.singular, description: `One of the registered ${this.noun}.` } },
      allOf: this.list().map((component) => ({
        if: { properties: { type: { const: component.name } }, required: ['type'] },
        then: {
          properties: { type: true, ...component.optionsSchema.properties },
          required: component.optionsSchema.required ?? [],
          additionalProperties: false,
        },
      })),
    };
    if (!this.shorthand) return { description: this.description, ...objectForm };
    return {
      description: this.description,
      type: ['string', 'object'],
      if: { type: 'string' },
      then: { enum: names, title: this.singular },
      else: objectForm,
    };
  }
}

/** Splits a validated reference into the component's name and its options. */
export function resolveRef(ref: ComponentRef): { type: string; options: Record<string, unknown> } {
  if (typeof ref === 'string') return { type: ref, options: {} };
  const { type, ...options } = ref;
  return { type, options };
}

/** The options with every property the user left out set to its schema default, as ajv's `useDefaults` does. */
function withDefaults(schema: TObject, options: Record<string, unknown>): Record<string, unknown> {
  const completed = { ...options };
  for (const [key, property] of Object.entries(schema.properties)) {
    if (property.default !== undefined && completed[key] === undefined) completed[key] = structuredClone(property.default);
  }
  return completed;
}
