/** The one merge rule of `extends` and `--set`: mappings merge, lists replace, a component whose `type` changes is replaced whole. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `override` laid over `base`. A component mapping (one with a `type`) whose type differs from the base's is taken
 * as it is: the old component's options mean nothing to the new one. The result is a new object; neither input
 * is changed.
 */
export function mergeConfig(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  if (replacesComponent(base, override)) return override;
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) setOwn(merged, key, value);
  for (const [key, value] of Object.entries(override)) setOwn(merged, key, Object.hasOwn(base, key) ? mergeConfig(base[key], value) : value);
  return merged;
}

/** Whether `override` names another component than `base`, so that none of `base`'s options carry over. */
export function replacesComponent(base: Record<string, unknown>, override: Record<string, unknown>): boolean {
  return Object.hasOwn(base, 'type') && Object.hasOwn(override, 'type') && base.type !== override.type;
}

/**
 * Sets an own property, whatever the key: a plain `target[key] = value` with the key `__proto__` would replace
 * the object's prototype instead, so keys from user input are always defined, never assigned.
 */
export function setOwn(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
