import type { IssueClaims } from '../types.ts';
import { type ContainerRule, isName, parseTen } from './container-scope.ts';
import { claimsError } from '../service/token-errors.ts';

export const CONTAINER_LIMITS = ['ls', 'lm', 'lh', 'ld', 'lw', 'lo'] as const;
export const TOKEN_LIMITS = ['lts', 'ltm', 'lth', 'ltd', 'ltw', 'lto'] as const;
const SET_BY_SERVICE = new Set(['jti', 'iat', 'ca']);
const CHOSEN = new Set<string>(['ten', 'jtn', 'nbf', 'exp', 'dd', 'pctx', 'ectx', 'url', 'pb', 'mb', 'dr', ...CONTAINER_LIMITS, ...TOKEN_LIMITS]);
const FLAGS = { pb: [0, 1, 2], mb: [0, 1], dr: [0, 1] } as const;

/** Checks the claims a caller chose for a new token; returns its parsed `ten`. */
export function checkIssueClaims(claims: IssueClaims, maxPatternLength: number): ContainerRule {
  checkNames(claims);
  const rule = parseTen(claims.ten, maxPatternLength);
  checkTimes(claims);
  if (claims.dd !== undefined && !isCount(claims.dd)) throw claimsError('The dd claim must be a non-negative integer.', 'dd');
  if (claims.jtn !== undefined) checkJtn(claims.jtn, rule);
  if (claims.url !== undefined && (typeof claims.url !== 'string' || claims.url === '')) throw claimsError('The url claim must be a non-empty string.', 'url');
  for (const [claim, values] of Object.entries(FLAGS)) checkFlag(claim, claims[claim as keyof typeof FLAGS], values);
  for (const limit of [...CONTAINER_LIMITS, ...TOKEN_LIMITS]) checkLimit(limit, claims[limit]);
  checkContext('pctx', claims.pctx);
  checkContext('ectx', claims.ectx);
  return rule;
}

export function checkClaimsObject(claims: unknown): void {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw claimsError('The claims must be a JSON object.', '');
}

function checkNames(claims: object): void {
  checkClaimsObject(claims);
  for (const claim of Object.keys(claims)) {
    if (SET_BY_SERVICE.has(claim)) throw claimsError(`The ${claim} claim is set by the server.`, claim);
    if (!CHOSEN.has(claim)) throw claimsError(`The ${claim} claim is not supported.`, claim);
  }
}

function checkTimes({ nbf, exp }: IssueClaims): void {
  if (nbf !== undefined && !isCount(nbf)) throw claimsError('The nbf claim must be a Unix time in seconds.', 'nbf');
  if (exp !== undefined && !isCount(exp)) throw claimsError('The exp claim must be a Unix time in seconds.', 'exp');
  // sandboxjs's message, backticks included.
  if (nbf !== undefined && exp !== undefined && exp <= nbf) throw claimsError('The `nbf` parameter cannot be set to a later time than `exp`.', 'nbf');
}

function checkJtn(jtn: unknown, rule: ContainerRule): void {
  if (!isName(jtn)) throw claimsError('The jtn claim must be a webtask name.', 'jtn');
  if (rule.scope.kind !== 'names' || rule.scope.names.length !== 1) {
    throw claimsError('The jtn claim requires a ten claim that names one container.', 'jtn');
  }
}

function checkFlag(claim: string, value: unknown, allowed: readonly number[]): void {
  if (value !== undefined && !allowed.includes(value as number)) throw claimsError(`The ${claim} claim must be one of ${allowed.join(', ')}.`, claim);
}

function checkLimit(limit: string, value: unknown): void {
  // sandboxjs's message, backticks included.
  if (value !== undefined && !(isCount(value) && value > 0)) {
    throw claimsError(`Unsupported limit value for \`${limit}\` limit. All limits must be positive integers.`, limit);
  }
}

// The `webtask_*` overrides a context may carry, and the values each accepts (see settings.ts).
const OVERRIDES: Record<string, (value: string) => boolean> = {
  webtask_url: (value) => value !== '',
  webtask_pb: (value) => ['0', '1', '2'].includes(value),
  webtask_mb: (value) => ['0', '1'].includes(value),
};

function checkContext(claim: 'pctx' | 'ectx', context: unknown): void {
  if (context === undefined) return;
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    // A string ectx is refused on purpose: it would let an issuer paste another token's
    // encrypted secrets into a token of its own, then read them with inspect(…, { decrypt }).
    throw claimsError(`The ${claim} claim must be an object of strings.`, claim);
  }
  for (const [name, value] of Object.entries(context)) {
    if (typeof value !== 'string') throw claimsError(`The ${claim} claim must be an object of strings.`, claim);
    if (Object.hasOwn(OVERRIDES, name) && !OVERRIDES[name]?.(value)) throw claimsError(`The ${claim}.${name} value is not supported.`, claim);
  }
}

export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
