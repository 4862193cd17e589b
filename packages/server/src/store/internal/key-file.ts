import { randomBytes } from 'node:crypto';
import { link, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, temporaryFor, writeNewFile } from './disk.ts';
import { KEY_SIZE } from './vault.ts';

export const KEY_FILE = 'secret.key';

/**
 * The directory's secrets key: read from `secret.key`, or made on first start (32 random bytes,
 * mode 0600). A new key is written whole to a temporary file, then linked to `secret.key`: link
 * fails if the name exists, so of two starts racing on an empty directory exactly one key wins,
 * the other start reads it, and no reader ever sees a half-written key.
 */
export async function loadKey(directory: string): Promise<Buffer> {
  const file = join(directory, KEY_FILE);
  const existing = await readKey(file);
  if (existing !== undefined) return existing;
  const temporary = temporaryFor(file);
  try {
    await writeNewFile(temporary, randomBytes(KEY_SIZE));
    await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(temporary, { force: true });
  }
  await syncDirectory(directory);
  return (await readKey(file)) as Buffer;
}

async function readKey(file: string): Promise<Buffer | undefined> {
  let key: Buffer;
  try {
    key = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // A wrong key would only show later, as secrets that fail to decrypt; a wrong size shows now.
  if (key.length !== KEY_SIZE) {
    throw new Error(`${file} holds ${key.length} bytes, not the ${KEY_SIZE} of the store's key: restore the original file (secrets cannot be read with another key)`);
  }
  return key;
}
