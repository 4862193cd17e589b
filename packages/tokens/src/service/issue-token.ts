import { randomBytes } from 'node:crypto';
import type { IssueClaims, TokenClaims, VerifiedToken } from '../types.ts';
import { CONTAINER_LIMITS, checkClaimsObject, checkIssueClaims } from '../claims/issue-claims.ts';
import { type ContainerRule, covers } from '../claims/container-scope.ts';
import type { ServiceContext } from './context.ts';
import { tokenError } from './token-errors.ts';
import { signPayload } from '../jose/jws.ts';
import { verifyBearer } from './open-token.ts';
import { encryptSecrets } from '../jose/secrets.ts';
import { effectiveSettings } from '../claims/settings.ts';

type Issuer = { readonly token: VerifiedToken; readonly rule: ContainerRule };

/** A new token: from the server itself (no issuer), or from a bearer token with issuance depth. */
export async function issueToken(ctx: ServiceContext, input: IssueClaims, issuerToken: string | undefined): Promise<string> {
  checkClaimsObject(input);
  const issuer = issuerToken === undefined ? undefined : await verifyBearer(ctx, issuerToken, undefined);
  if (issuer !== undefined && issuer.token.claims.dd === 0) {
    // The platform's message for a token with no issuance depth left.
    throw tokenError('ERR_TOKEN_DEPTH', 'The authentication webtask token cannot be used to issue new webtask tokens.');
  }
  const claims = issuer === undefined ? input : inherit(input, issuer.token);
  const rule = checkIssueClaims(claims, ctx.maxRegexLength);
  if (issuer !== undefined) checkWithinIssuer(claims, rule, issuer);
  return signPayload(await tokenClaims(ctx, claims, rule, issuer?.token.claims), ctx.signingKey);
}

/** What a child leaves out it gets from its issuer: containers, expiry, container limits, code. */
function inherit(input: IssueClaims, issuer: VerifiedToken): IssueClaims {
  const claims: IssueClaims = { ...input };
  const from = issuer.claims;
  claims.ten ??= from.ten;
  if (from.exp !== undefined) claims.exp ??= from.exp;
  for (const limit of CONTAINER_LIMITS) if (from[limit] !== undefined) claims[limit] ??= from[limit];
  if (issuer.url !== undefined) claims.url ??= issuer.url;
  return claims;
}

/** A token can only hand down less than it holds. */
function checkWithinIssuer(claims: IssueClaims, rule: ContainerRule, issuer: Issuer): void {
  const from = issuer.token.claims;
  if ((claims.dd ?? 0) >= from.dd) {
    throw tokenError('ERR_TOKEN_DEPTH', `The dd claim must be lower than the issuer's (${from.dd}).`, { details: { claim: 'dd' } });
  }
  if (!covers(issuer.rule, rule)) {
    throw tokenError('ERR_TOKEN_CONTAINER', "The ten claim admits containers the issuer's token does not.", { details: { claim: 'ten' } });
  }
  if (from.exp !== undefined && (claims.exp ?? Infinity) > from.exp) forbidden("The exp claim cannot be later than the issuer's.", 'exp');
  for (const limit of CONTAINER_LIMITS) {
    const ceiling = from[limit];
    if (ceiling !== undefined && (claims[limit] ?? Infinity) > ceiling) forbidden(`The ${limit} limit cannot be higher than the issuer's.`, limit);
  }
  // A token whose code is fixed cannot mint tokens that run other code in its containers.
  if (issuer.token.url !== undefined && effectiveSettings(claims, claims.pctx ?? {}, claims.ectx ?? {}).url !== issuer.token.url) {
    forbidden("The code of a token issued by a token with fixed code must be the issuer's.", 'url');
  }
}

function forbidden(message: string, claim: string): never {
  throw tokenError('ERR_TOKEN_FORBIDDEN', message, { details: { claim } });
}

async function tokenClaims(ctx: ServiceContext, claims: IssueClaims, rule: ContainerRule, issuer: TokenClaims | undefined): Promise<TokenClaims> {
  const { ectx, ...chosen } = claims;
  const token: TokenClaims = {
    ...chosen,
    ten: rule.ten,
    dd: claims.dd ?? 0,
    jti: randomBytes(16).toString('hex'),
    iat: Math.floor(ctx.now() / 1000),
    ca: issuer === undefined ? [] : [...issuer.ca, issuer.jti],
  };
  if (ectx !== undefined) token.ectx = await encryptSecrets(ectx, ctx.contentKey);
  return token;
}
