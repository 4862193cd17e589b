import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { tokenError } from '../service/token-errors.ts';

const HEADER = { alg: 'dir', enc: 'A256GCM' } as const;
const DECRYPT_OPTIONS = { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] };

/**
 * The A256GCM content key: the encryption key itself when it is 32 bytes, else 32 bytes derived from
 * it with HKDF-SHA256, so that any key of at least 32 bytes works and a 32-byte key interoperates
 * with any JOSE library.
 */
export function contentKey(encryptionKey: Uint8Array): Uint8Array {
  if (encryptionKey.length === 32) return Uint8Array.from(encryptionKey);
  return new Uint8Array(hkdfSync('sha256', encryptionKey, new Uint8Array(0), 'ext-compilers tokens ectx A256GCM', 32));
}

/** `ectx` as it goes into a token: a compact JWE only the server can open. */
export async function encryptSecrets(secrets: Record<string, string>, key: Uint8Array): Promise<string> {
  const plaintext = new TextEncoder().encode(JSON.stringify(secrets));
  return new CompactEncrypt(plaintext).setProtectedHeader(HEADER).encrypt(key);
}

/** The secrets of a signed token's `ectx`; `ERR_TOKEN_MALFORMED` when this server's key cannot open them. */
export async function decryptSecrets(ectx: string, key: Uint8Array): Promise<Record<string, string>> {
  try {
    const { plaintext } = await compactDecrypt(ectx, key, DECRYPT_OPTIONS);
    return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, string>;
  } catch (error) {
    throw tokenError('ERR_TOKEN_MALFORMED', 'The token secrets cannot be decrypted.', { cause: error });
  }
}
