import { plainError } from './errors/plain-error.ts';
import type { WebtaskContext } from './types.ts';

/** The secret a caller must send as `Authorization: Bearer <secret>`. */
export const SECRET_NAME = 'auth0-extension-secret';
/** During a rotation, the secret being replaced; accepted too while it is set. */
export const PREVIOUS_SECRET_NAME = 'auth0-extension-secret-previous';

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
  const value = typeof header === 'string' ? header.trim() : '';
  if (isBearer(value)) {
    const previous = secrets[PREVIOUS_SECRET_NAME];
    // Both comparisons always run, so the time taken does not tell whether a previous secret is set.
    const current = sameSecret(value, String(secret));
    const old = sameSecret(value, String(previous || secret)) && !!previous;
    if (current || old) return undefined;
  }
  const error = plainError('Unauthorized extensibility point') as Error & { statusCode: number };
  error.statusCode = 500;
  return error;
}

// The token starts after `bearer ` in the trimmed header; it is read in place, never copied.
const TOKEN = 7;

/**
 * Whether a trimmed header is what the reference's `/^bearer (.+)$/i` accepts: the scheme in any
 * case, exactly one space, then at least one character and no line break.
 */
function isBearer(value: string): boolean {
  if (value.length <= TOKEN || value.charCodeAt(6) !== 32) return false;
  for (let i = 0; i < 6; i++) {
    // OR-ing 0x20 lower-cases an ASCII letter and changes no other character into one.
    if ((value.charCodeAt(i) | 0x20) !== 'bearer'.charCodeAt(i)) return false;
  }
  for (let i = TOKEN; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/**
 * Constant-time equality of the token in `value` (from index 7) and `secret`: every character of
 * the secret is compared with the token's (XOR, OR-ed into one accumulator, no early exit), and so
 * are the lengths. The time taken depends on the secret's length, which is fixed, and not on its
 * content or on how much of a guess matches (the reference's `===` stops at the first differing
 * character). Pure JavaScript: tens of nanoseconds, where hashing both sides for
 * `crypto.timingSafeEqual` costs microseconds. A token shorter than the secret reads past the
 * header's end (NaN, which bitwise operators take as 0); the length term already makes that a
 * mismatch.
 */
function sameSecret(value: string, secret: string): boolean {
  let difference = (value.length - TOKEN) ^ secret.length;
  for (let i = 0; i < secret.length; i++) {
    difference |= value.charCodeAt(TOKEN + i) ^ secret.charCodeAt(i);
  }
  return difference === 0;
}
