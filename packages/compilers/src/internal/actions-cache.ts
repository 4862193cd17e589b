import type { ActionsCacheApi, CacheEntry, CacheSetOptions, CacheWriteResult } from '../types/actions.ts';

/**
 * The bounds of one webtask's `api.cache`: Auth0's documented Actions cache limits, so that a hook
 * that fits here fits there. Sizes are UTF-8 bytes; times are milliseconds.
 */
export const CACHE_LIMITS: {
  readonly entries: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  /** Keys and values of every entry together. */
  readonly totalBytes: number;
  readonly defaultTtl: number;
  readonly maxTtl: number;
} = {
  entries: 20,
  keyBytes: 64,
  valueBytes: 4096,
  totalBytes: 8192,
  defaultTtl: 15 * 60 * 1000,
  maxTtl: 24 * 60 * 60 * 1000,
};

interface Stored {
  value: string;
  expiresAt: number;
  bytes: number;
}

/**
 * An in-memory cache bounded in entries and bytes. Like Auth0's, it promises nothing beyond an
 * entry's lifetime: when a new entry does not fit, expired entries go first, then the oldest
 * written, so a hook's `set` succeeds whenever the entry itself is within the limits.
 */
export function createActionsCache(now: () => number = Date.now): ActionsCacheApi {
  const entries = new Map<string, Stored>();
  let total = 0;
  const remove = (key: string): void => {
    const stored = entries.get(key);
    if (!stored) return;
    total -= stored.bytes;
    entries.delete(key);
  };
  const evictFor = (bytes: number, at: number): void => {
    for (const [key, stored] of entries) if (stored.expiresAt <= at) remove(key);
    for (const key of entries.keys()) {
      if (entries.size < CACHE_LIMITS.entries && total + bytes <= CACHE_LIMITS.totalBytes) break;
      remove(key);
    }
  };
  return {
    get(key) {
      const stored = typeof key === 'string' ? entries.get(key) : undefined;
      if (!stored) return undefined;
      if (stored.expiresAt > now()) return { value: stored.value, expires_at: stored.expiresAt };
      remove(key);
      return undefined;
    },
    set(key, value, options) {
      const refused = keyProblem(key) ?? valueProblem(value);
      if (refused) return { type: 'error', code: refused };
      const at = now();
      const expiresAt = expiry(options, at);
      if (expiresAt === undefined) return { type: 'error', code: 'INVALID_OPTIONS' };
      const bytes = Buffer.byteLength(key) + Buffer.byteLength(value);
      remove(key);
      evictFor(bytes, at);
      entries.set(key, { value, expiresAt, bytes });
      total += bytes;
      const record: CacheEntry = { value, expires_at: expiresAt };
      return { type: 'success', record };
    },
    delete(key) {
      const refused = keyProblem(key);
      if (refused) return { type: 'error', code: refused };
      remove(key);
      return { type: 'success' } as CacheWriteResult;
    },
  };
}

function keyProblem(key: unknown): 'INVALID_KEY' | 'KEY_TOO_LARGE' | undefined {
  if (typeof key !== 'string' || key === '') return 'INVALID_KEY';
  return Buffer.byteLength(key) > CACHE_LIMITS.keyBytes ? 'KEY_TOO_LARGE' : undefined;
}

function valueProblem(value: unknown): 'INVALID_VALUE' | 'VALUE_TOO_LARGE' | undefined {
  if (typeof value !== 'string') return 'INVALID_VALUE';
  return Buffer.byteLength(value) > CACHE_LIMITS.valueBytes ? 'VALUE_TOO_LARGE' : undefined;
}

// Auth0: `ttl` and `expires_at` may both be given, and the earlier expiry wins; no lifetime
// exceeds the maximum. A lifetime that has already ended is refused rather than stored dead.
function expiry(options: CacheSetOptions | undefined, at: number): number | undefined {
  const { ttl, expires_at: expiresAt } = options ?? {};
  if (ttl !== undefined && !(typeof ttl === 'number' && ttl > 0 && Number.isFinite(ttl))) return undefined;
  if (expiresAt !== undefined && !(typeof expiresAt === 'number' && expiresAt > at && Number.isFinite(expiresAt))) return undefined;
  const byTtl = ttl === undefined && expiresAt !== undefined ? Number.POSITIVE_INFINITY : at + (ttl ?? CACHE_LIMITS.defaultTtl);
  return Math.min(byTtl, expiresAt ?? Number.POSITIVE_INFINITY, at + CACHE_LIMITS.maxTtl);
}
