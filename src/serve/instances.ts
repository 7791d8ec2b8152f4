/** Reads a predict request's `instances` (TF Serving's row format): number arrays of the model's input shape, or {"b64": image}. */

/** A client error: the server answers 400 with TF Serving's {"error": message}. */
export class BadRequestError extends Error {
  readonly statusCode = 400;
}

export type Instance = { kind: 'tensor'; values: Float32Array } | { kind: 'image'; field: string; bytes: Buffer };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** `inputShape` is one instance's shape without the batch axis, e.g. [28, 28, 1]. */
export function parseInstances(body: unknown, inputShape: number[], maxInstances: number): Instance[] {
  const instances = isObject(body) ? body.instances : undefined;
  if (!Array.isArray(instances)) {
    throw new BadRequestError(
      `The request body must be a JSON object with an "instances" array, e.g. {"instances": [[...${size(inputShape)} numbers...]]}.`,
    );
  }
  if (instances.length === 0) throw new BadRequestError('"instances" is empty: send at least one instance.');
  if (instances.length > maxInstances)
    throw new BadRequestError(`"instances" has ${instances.length} entries; at most ${maxInstances} are accepted per request.`);
  return instances.map((instance, i) => parseInstance(instance, `instances[${i}]`, inputShape));
}

function parseInstance(value: unknown, field: string, inputShape: number[]): Instance {
  if (isObject(value)) {
    const b64 = value.b64;
    if (typeof b64 !== 'string') throw new BadRequestError(`${field}: an object instance must be {"b64": "<base64 PNG or JPEG>"}.`);
    const compact = b64.replace(/\s+/g, '');
    if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) throw new BadRequestError(`${field}.b64: not valid base64.`);
    return { kind: 'image', field: `${field}.b64`, bytes: Buffer.from(compact, 'base64') };
  }
  if (!Array.isArray(value)) throw new BadRequestError(`${field}: expected ${expectation(inputShape)} or {"b64": image}, got ${describe(value)}.`);
  const shape = leadingShape(value);
  const squeezed = withoutTrailingOnes(inputShape);
  const accepted = [[size(inputShape)], inputShape, squeezed];
  if (!accepted.some((s) => sameShape(s, shape))) {
    throw new BadRequestError(
      `${field}: expected ${expectation(inputShape)}, got ${shape.length > 1 ? `a ${shape.join('×')} array` : `${shape[0]} values`}.`,
    );
  }
  const values = new Float32Array(size(inputShape));
  let offset = 0;
  const walk = (node: unknown, depth: number, at: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number' || !Number.isFinite(node)) throw new BadRequestError(`${at}: expected a finite number, got ${describe(node)}.`);
      values[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new BadRequestError(`${at}: expected an array of ${shape[depth]} (rows must all have the same length), got ${describe(node)}.`);
    }
    node.forEach((child, i) => walk(child, depth + 1, `${at}[${i}]`));
  };
  walk(value, 0, field);
  return { kind: 'tensor', values };
}

/** The shape read along each array's first element; `walk` then checks every row has it. */
function leadingShape(value: unknown[]): number[] {
  const shape: number[] = [];
  let node: unknown = value;
  while (Array.isArray(node)) {
    shape.push(node.length);
    node = node[0];
  }
  return shape;
}

function expectation(inputShape: number[]): string {
  const squeezed = withoutTrailingOnes(inputShape);
  return squeezed.length > 1 ? `${size(inputShape)} numbers or a ${squeezed.join('×')} array` : `${size(inputShape)} numbers`;
}

function withoutTrailingOnes(shape: number[]): number[] {
  let end = shape.length;
  while (end > 1 && shape[end - 1] === 1) end--;
  return shape.slice(0, end);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value)}`;
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}
