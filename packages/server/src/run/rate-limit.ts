/** A fixed-window request limit per key (a container): `take` says how long to wait when over it. */
export interface RateLimit {
  readonly requests: number;
  /** The window, in seconds. */
  readonly seconds: number;
}

export interface RateLimiter {
  /** `undefined` when the request may go, else the seconds until the window ends (for `Retry-After`). */
  take(key: string): number | undefined;
}

const MAX_KEYS = 100_000;

export function createRateLimiter(limit: RateLimit | undefined, now: () => number = Date.now): RateLimiter {
  if (!limit) return { take: () => undefined };
  if (!Number.isInteger(limit.requests) || limit.requests < 1 || !(limit.seconds > 0)) {
    throw new TypeError('A rate limit needs a positive integer `requests` and a positive `seconds`.');
  }
  const windows = new Map<string, { start: number; count: number }>();
  const span = limit.seconds * 1000;
  return {
    take(key) {
      const time = now();
      let window = windows.get(key);
      if (!window || time - window.start >= span) {
        if (!window && windows.size >= MAX_KEYS) windows.clear();
        windows.set(key, (window = { start: time, count: 0 }));
      }
      if (window.count >= limit.requests) return Math.max(1, Math.ceil((window.start + span - time) / 1000));
      window.count++;
      return undefined;
    },
  };
}
