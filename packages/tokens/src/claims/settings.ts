import type { TokenClaims } from '../types.ts';

export interface Settings {
  readonly url: string | undefined;
  readonly pb: 0 | 1 | 2 | undefined;
  readonly mb: 0 | 1 | undefined;
}

/**
 * The platform's precedence for a run's settings: `webtask_url`, `webtask_pb` and `webtask_mb` in
 * the secrets win over the same in the params, which win over the plain `url`, `pb` and `mb` claims.
 */
export function effectiveSettings(claims: Pick<TokenClaims, 'url' | 'pb' | 'mb'>, params: Record<string, string>, secrets: Record<string, string>): Settings {
  const override = (name: string): string | undefined => own(secrets, `webtask_${name}`) ?? own(params, `webtask_${name}`);
  const pb = override('pb');
  const mb = override('mb');
  return {
    url: override('url') ?? claims.url,
    pb: pb === undefined ? claims.pb : (Number(pb) as 0 | 1 | 2),
    mb: mb === undefined ? claims.mb : (Number(mb) as 0 | 1),
  };
}

function own(context: Record<string, string>, name: string): string | undefined {
  return Object.hasOwn(context, name) ? context[name] : undefined;
}
