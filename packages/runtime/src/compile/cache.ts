import { createHash } from 'node:crypto';

/** A bounded map that forgets the least recently used entry first. */
export interface Lru<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): void;
  delete(key: string): void;
  readonly size: number;
}

export const DEFAULT_CACHE_MAX: number = 1000;

/**
 * A Map keeps insertion order, so re-inserting on every hit makes its first key the least recently
 * used. A hit on the most recent key (a server running one webtask over and over) changes nothing
 * and is not re-inserted.
 */
export function createLru<V>(max: number): Lru<V> {
  const entries = new Map<string, V>();
  let newest: string | undefined;
  return {
    get(key) {
      const value = entries.get(key);
      if (value === undefined || key === newest) return value;
      entries.delete(key);
      entries.set(key, value);
      newest = key;
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      newest = key;
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
    delete(key) {
      entries.delete(key);
      if (key === newest) newest = undefined;
    },
    get size() {
      return entries.size;
    },
  };
}

const shared = new Map<number, Lru<unknown>>();

/** One process-wide cache per bound, so callers asking for the same size share it. */
export function sharedLru<V>(max: number): Lru<V> {
  let lru = shared.get(max);
  if (!lru) shared.set(max, (lru = createLru<unknown>(max)));
  return lru as Lru<V>;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A number that stands for one object for as long as it lives: objects that cannot be hashed by value are keyed by identity. */
export function identityOf(value: unknown): number | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return id;
}

/**
 * The SHA-256 of every input as canonical JSON (object keys sorted), so equal inputs give equal keys
 * whatever their key order. Secrets enter only the digest; the key is all that is kept.
 */
export function cacheKey(inputs: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(inputs, sortKeys)).digest('hex');
}

function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
