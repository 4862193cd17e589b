import type { RevocationStore } from '../types.ts';

/** What every operation of one token service shares. */
export interface ServiceContext {
  readonly signingKey: Uint8Array;
  /** The A256GCM key for `ectx` (secrets.ts). */
  readonly contentKey: Uint8Array;
  readonly revocations: RevocationStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly maxRegexLength: number;
}
