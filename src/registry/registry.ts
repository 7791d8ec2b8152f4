/** The one registry mechanism: a named collection of components of one kind, each with its options schema. */
import { ConfigError } from '../errors';
import { didYouMean } from './did-you-mean';
import type { JsonSchema, ObjectSchema } from './json-schema';

/** A pluggable piece picked by `type` in a config; `create` gets options already validated and defaulted. */
export interface Component<Options, Product, Context = void> {
  readonly name: string;
  readonly description: string;
  readonly optionsSchema: ObjectSchema;
  create(options: Options, context: Context): Product;
}

/** Any component, whatever its options, product and context: what a heterogeneous list of registries holds. */
export type AnyComponent = Component<any, any, any>;

export class Registry<C extends AnyComponent> {
  private readonly components = new Map<string, C>();

  /**
   * @param kind what the components are, in the plural, as users see it ("layers").
   * @param shorthand whether a bare string may stand for a component without options.
   */
  constructor(readonly kind: string, readonly description: string, readonly shorthand = true) {}

  register(component: C): this {
    if (this.components.has(component.name)) {
      // An author bug, not a user error: two components claim the same name.
      throw new Error(`${this.kind}: "${component.name}" is registered twice`);
    }
    this.components.set(component.name, component);
    return this;
  }

  get(name: string): C {
    const component = this.components.get(name);
    if (!component) {
      throw new ConfigError(`Unknown ${this.singular} "${name}".${didYouMean(name, this.names())} Known ${this.kind}: ${this.names().join(', ')}.`);
    }
    return component;
  }

  /** Builds the component a validated reference names, its options completed with the schema's defaults. */
  instantiate(ref: ComponentRef, context: Parameters<C['create']>[1]): ReturnType<C['create']> {
    const { type, options } = resolveRef(ref);
    const component = this.get(type);
    const defaults = Object.entries(component.optionsSchema.properties).filter(([key, schema]) => schema.default !== undefined && options[key] === undefined);
    return component.create({ ...Object.fromEntries(defaults.map(([key, schema]) => [key, schema.default])), ...options }, context);
  }

  has(name: string): boolean {
    return this.components.has(name);
  }

  names(): string[] {
    return [...this.components.keys()];
  }

  list(): C[] {
    return [...this.components.values()];
  }

  get singular(): string {
    return this.kind.replace(/ies$/, 'y').replace(/s$/, '');
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
      properties: { type: { type: 'string', enum: names, title: this.singular, description: `One of the registered ${this.kind}.` } },
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

/** A component reference as written in a config, after validation. */
export type ComponentRef = string | ({ type: string } & Record<string, unknown>);

/** Splits a validated reference into the component's name and its options. */
export function resolveRef(ref: ComponentRef): { type: string; options: Record<string, unknown> } {
  if (typeof ref === 'string') return { type: ref, options: {} };
  const { type, ...options } = ref;
  return { type, options };
}
