import { timingSafeEqual } from 'node:crypto';
import { createMemoryRevocationStore } from './create-memory-revocation-store.ts';
import type { ServiceContext } from './service/context.ts';
import { issueToken } from './service/issue-token.ts';
import { inspectToken, revokeToken } from './service/manage-token.ts';
import { verifyBearer } from './service/open-token.ts';
import { contentKey } from './jose/secrets.ts';
import type { InspectedToken, IssueClaims, RevocationStore, TokenKeys, VerifiedToken } from './types.ts';

export interface TokenServiceOptions extends TokenKeys {
  /** Where revoked jtis are kept; default: `createMemoryRevocationStore()`. */
  revocations?: RevocationStore;
  /** The clock, in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** The longest `ten` regex accepted, in characters; default 128. */
  maxRegexLength?: number;
}

/** Issue, verify, inspect and revoke webtask tokens with one pair of server keys. */
export interface TokenService {
  /** A new token. Without `issuer` the server issues it (any claims); with one, only a narrower token. */
  issue(claims: IssueClaims, options?: { issuer?: string }): Promise<string>;
  /** Checks a bearer token (and, given one, that it admits `container`); its claims and run settings. */
  verify(token: string, options?: { container?: string }): Promise<VerifiedToken>;
  /** The claims of a token signed by this server (secrets with `decrypt`), checked for `by` when given. */
  inspect(token: string, options?: { decrypt?: boolean; by?: string }): Promise<InspectedToken>;
  /** Revokes a token or jti and all its descendants; `by` must be the token itself or an ancestor. Resolves to the jti. */
  revoke(target: string, options?: { by?: string }): Promise<string>;
}

const MIN_KEY_BYTES = 32;

/** A token service over the server's two keys; see the README for the rules each method enforces. */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const ctx = serviceContext(options);
  return {
    issue: (claims, { issuer } = {}) => issueToken(ctx, claims, issuer),
    verify: async (token, { container } = {}) => {
      if (container !== undefined && typeof container !== 'string') throw new TypeError('The container must be a string.');
      return (await verifyBearer(ctx, token, container)).token;
    },
    inspect: (token, { decrypt = false, by } = {}) => inspectToken(ctx, token, decrypt === true, by),
    revoke: (target, { by } = {}) => revokeToken(ctx, target, by),
  };
}

function serviceContext(options: TokenServiceOptions): ServiceContext {
  if (typeof options !== 'object' || options === null) throw new TypeError('createTokenService needs { signingKey, encryptionKey }.');
  const { signingKey, encryptionKey, revocations = createMemoryRevocationStore(), now = Date.now, maxRegexLength = 128 } = options;
  checkKey('signingKey', signingKey);
  checkKey('encryptionKey', encryptionKey);
  // Constant time: the keys are secrets, even when compared with each other.
  if (signingKey.length === encryptionKey.length && timingSafeEqual(signingKey, encryptionKey)) {
    throw new TypeError('The signingKey and the encryptionKey must be different keys.');
  }
  if (typeof revocations?.isRevoked !== 'function' || typeof revocations.revoke !== 'function') {
    throw new TypeError('The revocations option must have isRevoked(jtis) and revoke(jti).');
  }
  if (typeof now !== 'function') throw new TypeError('The now option must be a function.');
  if (!Number.isSafeInteger(maxRegexLength) || maxRegexLength < 1) throw new TypeError('The maxRegexLength option must be a positive integer.');
  // Copies: a caller that reuses its buffers cannot change the keys of a running service.
  return { signingKey: Uint8Array.from(signingKey), contentKey: contentKey(encryptionKey), revocations, now, maxRegexLength };
}

function checkKey(name: string, key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    throw new TypeError(`The ${name} must be a Uint8Array (or Buffer) of at least ${MIN_KEY_BYTES} bytes.`);
  }
}
