/** A secret of at least 32 bytes; a `Buffer` is a `Uint8Array`. */
export type KeyBytes = Uint8Array;

/** The two server keys: one signs every token (HS256), one encrypts every `ectx` (A256GCM). */
export interface TokenKeys {
  readonly signingKey: KeyBytes;
  readonly encryptionKey: KeyBytes;
}

/** Where revoked jtis are kept. The default is in memory; a server persists its own. */
export interface RevocationStore {
  /** Whether any of these jtis (a token's own and its ancestors') has been revoked. */
  isRevoked(jtis: readonly string[]): Promise<boolean>;
  /** Marks a jti revoked, for good; revoking a revoked jti is not an error. */
  revoke(jti: string): Promise<void>;
}

/** Per-container (inherited) and per-token (not inherited) rate limits: positive integers. */
export interface TokenLimits {
  ls?: number;
  lm?: number;
  lh?: number;
  ld?: number;
  lw?: number;
  lo?: number;
  lts?: number;
  ltm?: number;
  lth?: number;
  ltd?: number;
  ltw?: number;
  lto?: number;
}

/** What `issue()` accepts: every claim a caller may choose. `jti`, `iat` and `ca` are the service's. */
export interface IssueClaims extends TokenLimits {
  /** Containers: a name, a comma-separated list of names, or `/regex/` matched against the whole name. */
  ten?: string;
  /** Webtask name; needs a single-name `ten`. */
  jtn?: string;
  /** Not before / expires, Unix seconds. */
  nbf?: number;
  exp?: number;
  /** Issuance depth: how many further levels of tokens the holder may issue; default 0. */
  dd?: number;
  /** Params: signed and readable by the bearer. */
  pctx?: Record<string, string>;
  /** Secrets: encrypted with the server's key before they go into the token. */
  ectx?: Record<string, string>;
  /** Code location: the bearer cannot run other code. */
  url?: string;
  pb?: 0 | 1 | 2;
  mb?: 0 | 1;
  /** 1: the token may not revoke itself (an ancestor still can). */
  dr?: 0 | 1;
}

/** The claims inside a token, as signed. `ectx` is the compact JWE, never the secrets. */
export interface TokenClaims extends Omit<IssueClaims, 'ectx' | 'ten'> {
  ten: string;
  jti: string;
  iat: number;
  /** The issuance chain, root first: every ancestor's jti. */
  ca: string[];
  dd: number;
  ectx?: string;
}

/** The containers a token admits, as a plain description. */
export type ContainerScope = { readonly kind: 'names'; readonly names: readonly string[] } | { readonly kind: 'pattern'; readonly pattern: string };

/** A verified token and the settings it gives a run. */
export interface VerifiedToken {
  readonly claims: TokenClaims;
  readonly containers: ContainerScope;
  /** `pctx`, or `{}`. */
  readonly params: Record<string, string>;
  /** `ectx` decrypted, or `{}`. */
  readonly secrets: Record<string, string>;
  /** Effective settings: `ectx.webtask_*` over `pctx.webtask_*` over the plain claims. */
  readonly url: string | undefined;
  readonly pb: 0 | 1 | 2 | undefined;
  readonly mb: 0 | 1 | undefined;
}

/** What `inspect()` returns; `secrets` only with `decrypt: true` and when the token has `ectx`. */
export interface InspectedToken {
  readonly claims: TokenClaims;
  readonly secrets?: Record<string, string>;
  /** Whether it has been revoked, directly or through an ancestor (it is inspected all the same). */
  readonly revoked: boolean;
}
