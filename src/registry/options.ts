/** Builders for option schemas: TypeBox schemas, plain JSON Schema to ajv, whose `Static<>` is the options' type. */
import { ObjectOptions, OptionalKind, SchemaOptions, TObject, TProperties, TUnsafe, Type } from '@sinclair/typebox';
import type { ComponentRef } from './registry';

/**
 * A closed object of settings (unknown keys are errors, so typos are caught), with one rule for defaults:
 * a property that has a `default` is left out of the JSON Schema's `required` list, so a config may omit it, but
 * stays required in the `Static<>` type, because every options object reaches code through ajv's `useDefaults`
 * or `Registry.instantiate`, which fill the default in. Code therefore reads `o.momentum`, never
 * `o.momentum ?? 0.9`, and the default is written once, here. A property that may really be absent (no default)
 * is wrapped in `Type.Optional`, which makes it optional in both.
 */
export function options<P extends TProperties>(properties: P, schemaOptions: ObjectOptions = {}): TObject<P> {
  const schema = Type.Object(properties, { additionalProperties: false, ...schemaOptions });
  const required = Object.keys(properties).filter((key) => properties[key][OptionalKind] === undefined && properties[key].default === undefined);
  if (required.length > 0) Object.assign(schema, { required });
  else Reflect.deleteProperty(schema, 'required');
  return schema;
}

/** One of a fixed list of strings, as a JSON Schema `enum` (ajv then names the allowed values in its error). */
export function enumOf<const V extends readonly string[]>(values: V, schemaOptions: SchemaOptions = {}): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ enum: [...values], ...schemaOptions });
}

/**
 * A reference to a component of another kind, e.g. an initializer inside a layer's options. It points at the
 * kind's reference schema, which the experiment schema keeps once under `$defs/<kind>`.
 */
export function componentRef(kind: string, schemaOptions: SchemaOptions = {}): TUnsafe<ComponentRef> {
  return Type.Unsafe<ComponentRef>({ $ref: `#/$defs/${kind}`, ...schemaOptions });
}

/** A size written as one number (square) or as [height, width]. */
export function size2d(description: string, max: number, defaultValue?: number): TUnsafe<number | [number, number]> {
  const side = () => Type.Integer({ minimum: 1, maximum: max });
  // Typed as a pair: a list of exactly two is what the schema accepts (TypeBox's Tuple writes draft-07 `items`).
  return Type.Unsafe<number | [number, number]>(
    Type.Union([side(), Type.Array(side(), { minItems: 2, maxItems: 2 })], {
      description,
      ...(defaultValue !== undefined ? { default: defaultValue } : {}),
    }),
  );
}
