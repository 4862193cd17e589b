import type { InspectedToken } from '../types.ts';
import type { ServiceContext } from './context.ts';
import { tokenError } from './token-errors.ts';
import { checkUsable, isJti, type OpenedToken, openToken } from './open-token.ts';
import { decryptSecrets } from '../jose/secrets.ts';

/** The claims of a token this server signed, whatever its validity period or revocation. */
export async function inspectToken(ctx: ServiceContext, token: unknown, decrypt: boolean, by: unknown): Promise<InspectedToken> {
  const target = await openToken(ctx, token);
  if (by !== undefined) {
    const holder = await openHolder(ctx, by);
    // The platform's rule: an ancestor, and not a webtask's own token (one with code or secrets).
    const allowed = target.claims.ca.includes(holder.claims.jti) && holder.claims.url === undefined && holder.claims.ectx === undefined;
    if (!allowed) throw tokenError('ERR_TOKEN_FORBIDDEN', 'The token may not inspect this token.');
  }
  const { claims } = target;
  const revoked = await ctx.revocations.isRevoked([...claims.ca, claims.jti]);
  if (!decrypt || claims.ectx === undefined) return { claims, revoked };
  return { claims, secrets: await decryptSecrets(claims.ectx, ctx.contentKey), revoked };
}

/** Revokes a token (given whole, or by jti) and with it every token issued under it. */
export async function revokeToken(ctx: ServiceContext, target: unknown, by: unknown): Promise<string> {
  const opened = isJti(target) ? undefined : await openToken(ctx, target);
  const jti = opened?.claims.jti ?? (target as string);
  if (by !== undefined) {
    const holder = await openHolder(ctx, by);
    const self = holder.claims.jti === jti && holder.claims.dr !== 1;
    const ancestor = opened?.claims.ca.includes(holder.claims.jti) ?? false;
    if (!self && !ancestor) throw tokenError('ERR_TOKEN_FORBIDDEN', 'The token may not revoke this token.', { details: { jti } });
  }
  await ctx.revocations.revoke(jti);
  return jti;
}

/** The caller's own token must be fully valid: an expired or revoked token has no say. */
async function openHolder(ctx: ServiceContext, token: unknown): Promise<OpenedToken> {
  const holder = await openToken(ctx, token);
  await checkUsable(ctx, holder);
  return holder;
}
