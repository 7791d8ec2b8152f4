/** The keys user input may never use: each names part of an object's prototype machinery, so writing one could change every object in the process. */
import type { PathKey } from './yaml-source';

export const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

export function isHostileKey(key: PathKey): key is string {
  return typeof key === 'string' && HOSTILE_KEYS.includes(key);
}

/** What is said about a refused key, wherever it was written. */
export function hostileKeyMessage(key: string): string {
  return `"${key}" is not allowed as a key: it names part of every JavaScript object's prototype, and no setting is called that`;
}

/** The path of every own hostile key in parsed data (YAML turns such keys into own properties, never prototypes). */
export function hostileKeyPaths(value: unknown, at: PathKey[] = []): PathKey[][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => hostileKeyPaths(item, [...at, i]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((key) =>
    isHostileKey(key) ? [[...at, key]] : hostileKeyPaths((value as Record<string, unknown>)[key], [...at, key]),
  );
}
