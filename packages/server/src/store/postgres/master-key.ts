import { createHmac, hkdfSync } from 'node:crypto';
import { KEY_SIZE } from '../internal/vault.ts';

/** The keys a cluster derives from its master key, each for one use. */
export interface ClusterKeys {
  /** AES-256-GCM: webtasks, their secrets, storage documents and the cluster's own secrets. */
  readonly sealing: Buffer;
  /** HMAC-SHA-256: what must be compared in SQL without being readable there (meta pairs, etags). */
  readonly tagging: Buffer;
}

// 32 bytes in base64url without padding.
const ENCODED = /^[A-Za-z0-9_-]{43}$/;

/** The 32 bytes of a master key given as base64url text (surrounding white space ignored). */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  if (!ENCODED.test(trimmed)) throw new Error(`A master key is ${KEY_SIZE} random bytes in base64url (43 characters, as "ext-compilers keygen" prints), not ${trimmed.length} characters`);
  return Buffer.from(trimmed, 'base64url');
}

// HKDF keeps the two uses apart: a sealing key never serves as an HMAC key, nor the other way.
export function deriveKeys(master: Buffer): ClusterKeys {
  if (master.length !== KEY_SIZE) throw new RangeError(`A master key has ${KEY_SIZE} bytes`);
  const derive = (use: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `ext-compilers/cluster/${use}`, KEY_SIZE));
  return { sealing: derive('sealing'), tagging: derive('tagging') };
}

/** A value's tag: equal values, equal tags, and nothing about the value without the key. */
export function tagOf(keys: ClusterKeys, value: string): string {
  return createHmac('sha256', keys.tagging).update(value).digest('base64url');
}
