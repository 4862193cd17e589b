import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileOnce } from '@ext-compilers/core';
import { KEY_SIZE } from './vault.ts';

export const KEY_FILE = 'secret.key';

/**
 * The directory's secrets key: read from `secret.key`, or made on first start (32 random bytes,
 * mode 0600), with core's `createFileOnce`: of two starts racing on an empty directory exactly
 * one key wins, the other start reads it, and no reader ever sees a half-written key.
 */
export function loadKey(directory: string): Promise<Buffer> {
  return loadSecretFile(directory, KEY_FILE, () => randomBytes(KEY_SIZE), (key, file) => {
    // A wrong key would only show later, as secrets that fail to decrypt; a wrong size shows now.
    if (key.length !== KEY_SIZE) {
      throw new Error(`${file} holds ${key.length} bytes, not the ${KEY_SIZE} of the store's key: restore the original file (secrets cannot be read with another key)`);
    }
  });
}

/**
 * A secret file of `directory` (mode 0600): read, or made by `make()` on first start, with the
 * race-free creation `loadKey` describes; `check` refuses a file that cannot be right.
 */
export async function loadSecretFile(directory: string, name: string, make: () => Buffer, check: (content: Buffer, file: string) => void): Promise<Buffer> {
  const file = join(directory, name);
  const existing = await readSecret(file, check);
  if (existing !== undefined) return existing;
  await createFileOnce(file, make());
  return (await readSecret(file, check)) as Buffer;
}

async function readSecret(file: string, check: (content: Buffer, file: string) => void): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  check(key, file);
  return key;
}
