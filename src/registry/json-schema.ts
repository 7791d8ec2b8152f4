/** The subset of JSON Schema (draft 2020-12) that component option schemas are written in. */

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $defs?: Record<string, JsonSchema>;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema | boolean>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  multipleOf?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
}

/** The schema of a component's options: always an object of named properties. */
export interface ObjectSchema extends JsonSchema {
  type: 'object';
  properties: Record<string, JsonSchema>;
}

/** Builds an options schema; closed to unknown keys so typos are caught. */
export function options(properties: Record<string, JsonSchema>, required: string[] = []): ObjectSchema {
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

export const positiveInt = (description: string, extra: Partial<JsonSchema> = {}): JsonSchema => ({
  type: 'integer', minimum: 1, description, ...extra,
});

/** A size written as one number (square) or as [height, width]. */
export const size2d = (description: string, max: number, defaultValue?: number | number[]): JsonSchema => ({
  description,
  anyOf: [
    { type: 'integer', minimum: 1, maximum: max },
    { type: 'array', items: { type: 'integer', minimum: 1, maximum: max }, minItems: 2, maxItems: 2 },
  ],
  ...(defaultValue !== undefined ? { default: defaultValue } : {}),
});
