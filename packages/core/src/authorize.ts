import { hash, timingSafeEqual } from 'node:crypto';
import { plainError } from './internal/plain-error.ts';
import type { WebtaskContext } from './types.ts';

/** The secret a caller must send as `Authorization: Bearer <secret>`. */
export const SECRET_NAME = 'auth0-extension-secret';
/** During a rotation, the secret being replaced; accepted too while it is set. */
export const PREVIOUS_SECRET_NAME = 'auth0-extension-secret-previous';

const BEARER = /^bearer (.+)$/i;

/**
 * The Bearer check of every extensibility point. Enforced only when `ctx.secrets` holds
 * `auth0-extension-secret`, as in auth0-ext-compilers; the header is trimmed and its scheme is
 * case-insensitive. Returns the error to answer with, or `undefined` when the call may proceed.
 */
export function authorize(ctx: WebtaskContext): Error | undefined {
  const secrets = ctx.secrets;
  const secret = secrets?.[SECRET_NAME];
  if (!secret) return undefined;
  const header = ctx.headers?.authorization;
  const match = typeof header === 'string' ? BEARER.exec(header.trim()) : null;
  if (match) {
    const presented = hash('sha256', match[1] as string, 'buffer');
    // Both candidates are always compared, so the time taken says nothing about which one matched.
    const current = timingSafeEqual(presented, secretDigest(secret));
    const previousSecret = secrets[PREVIOUS_SECRET_NAME];
    const previous = timingSafeEqual(presented, secretDigest(previousSecret || secret)) && !!previousSecret;
    if (current || previous) return undefined;
  }
  const error = plainError('Unauthorized extensibility point') as Error & { statusCode: number };
  error.statusCode = 500;
  return error;
}

// Comparing fixed-length digests keeps timingSafeEqual from throwing on, or leaking, a length
// difference. A secret's digest is remembered (it changes only with a rotation); the cache is
// bounded so that many tenants' secrets cannot grow it without limit.
const digests = new Map<string, Buffer>();
const MAX_DIGESTS = 1024;

function secretDigest(secret: string): Buffer {
  let digest = digests.get(secret);
  if (digest === undefined) {
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digest = hash('sha256', secret, 'buffer');
    digests.set(secret, digest);
  }
  return digest;
}
