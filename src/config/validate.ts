/** Validates merged config data against the experiment schema and turns ajv's errors into located, readable issues. */
import type { Static, TSchema } from '@sinclair/typebox';
import Ajv2020, { ErrorObject } from 'ajv/dist/2020';

import { didYouMean } from '../registry/did-you-mean';
import type { JsonSchema } from '../registry/json-schema';
import type { PathKey } from './yaml-source';

/** A located problem before it is tied to a file: the path as keys, and the message. */
export interface RawIssue {
  keys: PathKey[];
  message: string;
}

/** The data, typed by its schema and completed with the schema's defaults, or every problem found in it. */
export type Validation<T> = { valid: true; value: T } | { valid: false; issues: RawIssue[] };

/**
 * Compiles `schema` once into a function that validates data in place (filling defaults) and returns it typed as
 * the schema's `Static<>`, or every problem found, in document order of paths.
 */
export function validator<S extends TSchema>(schema: S): (data: unknown) => Validation<Static<S>> {
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: true, allowUnionTypes: true, strictNumbers: true });
  const validate = ajv.compile<Static<S>>(schema);
  return (data) => (validate(data) ? { valid: true, value: data } : { valid: false, issues: describeErrors(validate.errors ?? []) });
}

export function describeErrors(errors: ErrorObject[]): RawIssue[] {
  const anyOfErrors = errors.filter((e) => e.keyword === 'anyOf');
  const isBranchError = (e: ErrorObject) => anyOfErrors.some((a) => e.schemaPath.startsWith(`${a.schemaPath}/`));
  const issues: RawIssue[] = [];
  for (const error of errors) {
    if (error.keyword === 'if' || isBranchError(error)) continue;
    const issue = error.keyword === 'anyOf' ? describeAnyOf(error, errors) : describe(error);
    if (!issues.some((i) => i.message === issue.message && formatPath(i.keys) === formatPath(issue.keys))) issues.push(issue);
  }
  return issues;
}

/** `model.layers[2].kernelSize`, the way a person reads a path. */
export function formatPath(keys: readonly PathKey[]): string {
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function pathKeys(instancePath: string): PathKey[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function describe(error: ErrorObject): RawIssue {
  const keys = pathKeys(error.instancePath);
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const about = parent.description ? ` (${parent.description})` : '';
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return { keys, message: `missing required property "${missing}"` };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent.properties ?? {}).filter((k) => k !== 'type');
      const hint = known.length ? `${didYouMean(extra, known)} Allowed: ${known.join(', ')}.` : ' No options are allowed here.';
      return { keys: [...keys, extra], message: `unknown property "${extra}".${hint}` };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const value = String(error.data);
      const what = parent.title ? `${parent.title} ` : 'value ';
      return { keys, message: `unknown ${what}"${value}".${didYouMean(value, allowed)} Allowed: ${allowed.join(', ')}.` };
    }
    case 'type':
      return { keys, message: `must be ${typeList((error.params as { type: string | string[] }).type)}, got ${describeValue(error.data)}${about}` };
    case 'const':
      return { keys, message: `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}` };
    default:
      return { keys, message: `${error.message ?? 'is invalid'}, got ${describeValue(error.data)}${about}` };
  }
}

/** An anyOf (e.g. "3 or [3, 3]") fails as one: keep the branch that matched the value's type, or list the types. */
function describeAnyOf(error: ErrorObject, all: ErrorObject[]): RawIssue {
  const keys = pathKeys(error.instancePath);
  const branches = all.filter((e) => e.schemaPath.startsWith(`${error.schemaPath}/`) && e.keyword !== 'if');
  const sameLevelType = (e: ErrorObject) => e.keyword === 'type' && e.instancePath === error.instancePath;
  const relevant = branches.filter((e) => !sameLevelType(e));
  if (relevant.length > 0) return describe(relevant[0]);
  const types = branches.map((e) => typeList((e.params as { type: string | string[] }).type));
  const about = (error.parentSchema as JsonSchema | undefined)?.description;
  return { keys, message: `must be ${[...new Set(types)].join(' or ')}, got ${describeValue(error.data)}${about ? ` (${about})` : ''}` };
}

function typeList(type: string | string[]): string {
  const names = (Array.isArray(type) ? type : type.split(',')).map((t) =>
    t === 'array' ? 'a list' : t === 'object' ? 'a mapping' : t === 'integer' ? 'an integer' : `a ${t}`,
  );
  return names.join(' or ');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${value}` : typeof value;
}
