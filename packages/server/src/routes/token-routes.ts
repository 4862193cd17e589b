import { parse as parseQuerystring } from 'node:querystring';
import type { IssueClaims } from '@ext-compilers/tokens';
import type { Handler, Routes } from '../http/router.ts';
import { HttpError } from '../http/http-error.ts';
import { readBytes, readJson } from '../http/request-body.ts';
import { sendJson } from '../http/answers.ts';
import { type RouteContext, webtaskUrl } from './route-context.ts';

const MAX_CLAIMS_BODY = 64 * 1024;

/**
 * `/api/tokens/issue|inspect|revoke`. The caller's token is the issuer (a narrower token only) or
 * the inspecting/revoking ancestor; the admin token acts as the server itself.
 */
export function createTokenRoutes(ctx: RouteContext): Routes {
  const { tokens, auth } = ctx;

  const issue: Handler = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const claims = (await readJson(req, MAX_CLAIMS_BODY)) as IssueClaims;
    const token = await tokens.issue(claims, caller.admin ? {} : { issuer: caller.token });
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
    if (typeof claims.jtn === 'string' && typeof claims.ten === 'string') headers.location = webtaskUrl(ctx.base(req), claims.ten, claims.jtn);
    res.writeHead(200, headers).end(token);
  };

  const inspect: Handler = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const target = url.searchParams.get('token');
    if (!target) throw new HttpError(400, 'Say which token: ?token=<token>.');
    const decrypt = url.searchParams.get('decrypt') === 'true' || url.searchParams.get('decrypt') === '1';
    const inspected = await tokens.inspect(target, caller.admin ? { decrypt } : { decrypt, by: caller.token });
    sendJson(res, 200, { ...inspected.claims, ...(inspected.secrets ? { secrets: inspected.secrets } : {}), ...(inspected.revoked ? { revoked: true } : {}) });
  };

  const revoke: Handler = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const target = url.searchParams.get('token') ?? (await tokenInBody(req));
    if (!target) throw new HttpError(400, 'Say which token: ?token=<token>, or { "token": … } in the body.');
    const jti = await tokens.revoke(target, caller.admin ? {} : { by: caller.token });
    sendJson(res, 200, { jti, revoked: true });
  };

  return [
    [['api', 'tokens', 'issue'], { POST: issue }],
    [['api', 'tokens', 'inspect'], { GET: inspect }],
    [['api', 'tokens', 'revoke'], { POST: revoke }],
  ];
}

async function tokenInBody(req: Parameters<Handler>[0]): Promise<string | undefined> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const value = parseQuerystring((await readBytes(req, MAX_CLAIMS_BODY)).toString()).token;
    return typeof value === 'string' ? value : undefined;
  }
  const value = (await readJson(req, MAX_CLAIMS_BODY)).token;
  return typeof value === 'string' ? value : undefined;
}
