import type { TokenClaims, VerifiedToken } from '../types.ts';
import { isCount } from '../claims/issue-claims.ts';
import { type ContainerRule, parseTen } from '../claims/container-scope.ts';
import type { ServiceContext } from './context.ts';
import { isTokenError, tokenError } from './token-errors.ts';
import { verifyPayload } from '../jose/jws.ts';
import { decryptSecrets } from '../jose/secrets.ts';
import { effectiveSettings } from '../claims/settings.ts';

/** A token whose signature is this server's, with its parsed `ten`; not yet checked for time or revocation. */
export interface OpenedToken {
  readonly claims: TokenClaims;
  readonly rule: ContainerRule;
}

const JTI = /^[0-9a-f]{32}$/;

export function isJti(value: unknown): value is string {
  return typeof value === 'string' && JTI.test(value);
}

export async function openToken(ctx: ServiceContext, token: unknown): Promise<OpenedToken> {
  if (typeof token !== 'string') throw new TypeError('The token must be a string.');
  const claims = await verifyPayload(token, ctx.signingKey);
  return { claims: claims as unknown as TokenClaims, rule: checkShape(claims, ctx.maxRegexLength) };
}

/**
 * Only this server signs tokens, so their claims were checked at issue; this re-checks what the
 * service relies on, in case the token predates a stricter rule (a shorter `maxRegexLength`).
 */
function checkShape(claims: Record<string, unknown>, maxRegexLength: number): ContainerRule {
  const { jti, iat, ca, dd, ectx, pctx } = claims;
  const valid = isJti(jti) && isCount(iat) && isCount(dd) && Array.isArray(ca) && ca.every(isJti)
    && (ectx === undefined || typeof ectx === 'string') && (pctx === undefined || (typeof pctx === 'object' && pctx !== null))
    && (claims.nbf === undefined || isCount(claims.nbf)) && (claims.exp === undefined || isCount(claims.exp));
  if (!valid) throw tokenError('ERR_TOKEN_MALFORMED', 'The token claims are not those of a webtask token.');
  try {
    return parseTen(claims.ten, maxRegexLength);
  } catch (error) {
    if (!isTokenError(error, 'ERR_TOKEN_CLAIMS')) throw error;
    throw tokenError('ERR_TOKEN_MALFORMED', 'The token ten claim is no longer accepted.', { cause: error });
  }
}

/** Refuses a token outside its validity period, or revoked directly or through an ancestor. */
export async function checkUsable(ctx: ServiceContext, { claims }: OpenedToken): Promise<void> {
  checkTime(ctx, claims);
  await checkRevoked(ctx, claims);
}

function checkTime(ctx: ServiceContext, claims: TokenClaims): void {
  const now = Math.floor(ctx.now() / 1000);
  if (claims.exp !== undefined && now >= claims.exp) throw tokenError('ERR_TOKEN_EXPIRED', 'The token has expired.', { details: { exp: claims.exp } });
  if (claims.nbf !== undefined && now < claims.nbf) throw tokenError('ERR_TOKEN_NOT_YET_VALID', 'The token is not valid yet.', { details: { nbf: claims.nbf } });
}

// The token's own jti and every ancestor's: revoking a token revokes everything issued under it.
async function checkRevoked(ctx: ServiceContext, claims: TokenClaims): Promise<void> {
  if (await ctx.revocations.isRevoked([...claims.ca, claims.jti])) {
    throw tokenError('ERR_TOKEN_REVOKED', 'The token has been revoked.', { details: { jti: claims.jti } });
  }
}

/**
 * The whole check of a bearer token, and the settings it gives a run. The cheap checks come first,
 * the revocation store (possibly I/O) last.
 */
export async function verifyBearer(ctx: ServiceContext, token: unknown, container: string | undefined): Promise<{ token: VerifiedToken; rule: ContainerRule }> {
  const { claims, rule } = await openToken(ctx, token);
  checkTime(ctx, claims);
  if (container !== undefined && !rule.admits(container)) {
    throw tokenError('ERR_TOKEN_CONTAINER', 'The token is not valid for this container.', { details: { container: container.slice(0, 100) } });
  }
  await checkRevoked(ctx, claims);
  const params = { ...claims.pctx };
  const secrets = claims.ectx === undefined ? {} : await decryptSecrets(claims.ectx, ctx.contentKey);
  return { token: { claims, containers: rule.scope, params, secrets, ...effectiveSettings(claims, params, secrets) }, rule };
}
