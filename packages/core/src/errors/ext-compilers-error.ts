/** Every code an `ExtCompilersError` can carry. Callers switch on `code`, never on `instanceof`. */
export type ExtCompilersErrorCode =
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_BODY_READ'
  | 'ERR_COMPILE_FAILED'
  | 'ERR_COMPILE_NOT_A_FUNCTION'
  | 'ERR_COMPILE_SIGNATURE'
  | 'ERR_COMPILE_SYNTAX'
  | 'ERR_COMPILER_FETCH'
  | 'ERR_COMPILER_NOT_FOUND'
  | 'ERR_MODULES_SPEC'
  | 'ERR_MODULES_MISSING'
  | 'ERR_MODULES_NOT_FOUND'
  | 'ERR_MODULES_NETWORK'
  | 'ERR_MODULES_INSTALL'
  | 'ERR_MODULES_LOCKED'
  | 'ERR_NOT_SUPPORTED'
  | 'ERR_STORAGE_CONFLICT'
  | 'ERR_STORAGE_TOO_LARGE'
  | 'ERR_STORAGE_USAGE'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_CONTAINER'
  | 'ERR_TOKEN_REVOKED'
  | 'ERR_TOKEN_DEPTH'
  | 'ERR_TOKEN_CLAIMS'
  | 'ERR_TOKEN_FORBIDDEN'
  | 'ERR_COMPILE_TIMEOUT';

/** The toolkit's one error type: a stable `code` is its identity; data lives on `details`. */
export class ExtCompilersError extends Error {
  readonly code: ExtCompilersErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ExtCompilersErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }
}
