import { tokenErrorStatus } from '@ext-compilers/tokens';
import { HttpError } from './http-error.ts';

// The server's one mapping of error codes to HTTP statuses; a token's codes are the tokens
// package's own (ERR_TOKEN_* → 401/403/400, `tokenErrorStatus`).
const STATUS: Readonly<Record<string, number>> = {
  ERR_BODY_READ: 400,
  ERR_STORAGE_USAGE: 400,
  ERR_BODY_TOO_LARGE: 413,
  ERR_STORAGE_TOO_LARGE: 413,
  ERR_STORAGE_CONFLICT: 409,
  ERR_MODULES_SPEC: 400,
};

/** The HTTP status of an error from a route: its own, a body's, a store's or a token's code, else 500. */
export function errorStatus(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 500;
  return (Object.hasOwn(STATUS, code) ? STATUS[code] : tokenErrorStatus(code)) ?? 500;
}

/** An error from a route as the answer it gives: its message for a coded error, never a 500's (which could hold anything). */
export function httpErrorOf(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const status = errorStatus(error);
  return new HttpError(status, status === 500 ? 'Internal server error.' : (error as Error).message);
}
