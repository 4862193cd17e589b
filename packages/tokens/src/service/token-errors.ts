import { ExtCompilersError, type ExtCompilersErrorCode } from '@ext-compilers/core';

/** The token codes, in the order of docs/errors.md's HTTP mapping. */
export type TokenErrorCode = Extract<ExtCompilersErrorCode, `ERR_TOKEN_${string}`>;

/**
 * Every failure of this package goes through here, so that no message is ever built from a key,
 * a secret or a token: callers pass fixed text and put identifiers (a claim name, a jti) on
 * `details`.
 */
export function tokenError(
  code: TokenErrorCode,
  message: string,
  options?: { cause?: unknown; details?: Record<string, unknown> },
): ExtCompilersError {
  return new ExtCompilersError(code, message, options);
}

/** An input the caller (the server) got wrong is a 400: `ERR_TOKEN_CLAIMS`. */
export function claimsError(message: string, claim: string): ExtCompilersError {
  return tokenError('ERR_TOKEN_CLAIMS', message, { details: { claim } });
}

export function isTokenError(error: unknown, code: TokenErrorCode): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}
