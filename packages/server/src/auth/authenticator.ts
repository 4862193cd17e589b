import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TokenService, VerifiedToken } from '@ext-compilers/tokens';
import { HttpError } from '../http/http-error.ts';

/** Who is calling: the server's admin, or the holder of a verified webtask token. */
export interface Caller {
  readonly token: string;
  readonly admin: boolean;
  readonly verified: VerifiedToken | undefined;
}

export interface Authenticator {
  /** The caller, checked against `container` when given; 401/403 when the token is missing or not good. */
  caller(req: IncomingMessage, url: URL, container?: string): Promise<Caller>;
  /** A caller who may manage `container`: the admin, or a token admitting it whose code is not fixed. */
  manager(req: IncomingMessage, url: URL, container: string): Promise<Caller>;
}

export function createAuthenticator(tokens: TokenService, adminToken: string): Authenticator {
  // Compared as digests: equal lengths, constant time, whatever the caller sends.
  const admin = digest(adminToken);
  const caller = async (req: IncomingMessage, url: URL, container?: string): Promise<Caller> => {
    const token = bearerOf(req, url);
    if (token === undefined) throw new HttpError(401, 'A token is required: send Authorization: Bearer <token> (or ?key=<token>).');
    if (timingSafeEqual(digest(token), admin)) return { token, admin: true, verified: undefined };
    // A token's own errors (ERR_TOKEN_*) answer 401/403 through the server's one error mapping.
    return { token, admin: false, verified: await tokens.verify(token, container === undefined ? {} : { container }) };
  };
  return {
    caller,
    async manager(req, url, container) {
      const found = await caller(req, url, container);
      const claims = found.verified?.claims;
      if (claims && (claims.url !== undefined || claims.jtn !== undefined || found.verified?.url !== undefined)) {
        throw new HttpError(403, 'This token runs one webtask and cannot manage its container.');
      }
      return found;
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** `Authorization: Bearer <token>`, else `?key=<token>` (the platform's two places). */
function bearerOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  return url.searchParams.get('key') ?? undefined;
}
