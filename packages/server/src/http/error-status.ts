import { tokenErrorStatus } from '@ext-compilers/tokens';
import { HttpError } from './answers.ts';

/** The HTTP status of an error from a route: its own, a store's or a token's code (ERR_TOKEN_* → 401/403/400), else 500. */
export function errorStatus(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 500;
  switch (code) {
    case 'ERR_STORAGE_USAGE':
      return 400;
    case 'ERR_BODY_TOO_LARGE':
    case 'ERR_STORAGE_TOO_LARGE':
      return 413;
    case 'ERR_STORAGE_CONFLICT':
      return 409;
    default:
      return tokenErrorStatus(code) ?? 500;
  }
}
