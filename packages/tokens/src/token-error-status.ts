const STATUS: Record<string, 400 | 401 | 403> = {
  ERR_TOKEN_MALFORMED: 401,
  ERR_TOKEN_SIGNATURE: 401,
  ERR_TOKEN_ALGORITHM: 401,
  ERR_TOKEN_EXPIRED: 401,
  ERR_TOKEN_NOT_YET_VALID: 401,
  ERR_TOKEN_REVOKED: 401,
  ERR_TOKEN_CONTAINER: 403,
  ERR_TOKEN_DEPTH: 403,
  ERR_TOKEN_FORBIDDEN: 403,
  ERR_TOKEN_CLAIMS: 400,
};

/**
 * The HTTP status for a token error code: 401 when the token itself is not good (the client should
 * get another), 403 when it is good but not for this, 400 when the claims asked for are invalid.
 * `undefined` for any other code.
 */
export function tokenErrorStatus(code: string): 400 | 401 | 403 | undefined {
  return Object.hasOwn(STATUS, code) ? STATUS[code] : undefined;
}
