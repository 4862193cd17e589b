/**
 * The server's own limits when its options leave them out; `ext-compilers start --help` shows
 * them. Sizes are in bytes, times in ms.
 */
export const DEFAULT_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxWebtasks: 100,
  maxContainerStorage: 10 * 1024 * 1024,
  maxConnections: 1024,
  headersTimeout: 10_000,
  requestTimeout: 30_000,
  maxLogStreams: 100,
  maxContainerLogStreams: 10,
});

/** The limits a server keeps on its own (the executor keeps the others: guests, memory, answers). */
export interface ServerLimits {
  /** Webtasks one container may hold; past it a create is refused (403). */
  maxWebtasks: number;
  /** Bytes of JSON one container's storage documents may hold together; past it a write is refused (413). */
  maxContainerStorage: number;
  /** Open connections; past it new ones are closed at once. */
  maxConnections: number;
  /** Time to receive a request's headers (a trickle of header bytes is cut with 408). */
  headersTimeout: number;
  /** Time to receive a whole request, headers and body (a trickling body is cut with 408). */
  requestTimeout: number;
  /** Log streams (`/api/logs/tenant/{container}`) open at once, all containers together; past it 429. */
  maxLogStreams: number;
  /** Log streams open at once on one container; past it 429. */
  maxContainerLogStreams: number;
}

/** `options`' limits over the defaults, each a positive integer (else a TypeError naming it). */
export function limitsOf(options: { readonly [K in keyof ServerLimits]?: number | undefined }): ServerLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof ServerLimits)[]) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`createWebtaskServer: \`${name}\` must be a positive integer, not ${String(value)}.`);
    limits[name] = value;
  }
  // Node refuses a header time limit longer than the whole request's: a shorter request limit
  // given alone shortens the default header limit with it.
  if (limits.headersTimeout > limits.requestTimeout) {
    if (options.headersTimeout !== undefined) throw new TypeError('createWebtaskServer: `headersTimeout` must not exceed `requestTimeout`.');
    limits.headersTimeout = limits.requestTimeout;
  }
  return limits;
}
