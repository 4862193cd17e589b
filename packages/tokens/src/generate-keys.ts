import { randomBytes } from 'node:crypto';
import type { TokenKeys } from './types.ts';

/** Two fresh, independent 32-byte keys from the system's CSPRNG, for a new server's data directory. */
export function generateKeys(): TokenKeys {
  return { signingKey: new Uint8Array(randomBytes(32)), encryptionKey: new Uint8Array(randomBytes(32)) };
}
