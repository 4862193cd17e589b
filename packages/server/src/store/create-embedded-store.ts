import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sweepTemporaryFiles, syncDirectory } from '@ext-compilers/core';
import type { WebtaskStore } from './webtask-store.ts';
import { createDiskBackend, DATA_DIRECTORY, loadWebtasks, removeOrphanData, WEBTASKS_DIRECTORY } from './internal/disk-backend.ts';
import { createIndexedStore } from './internal/indexed-store.ts';
import { loadKey } from './internal/key-file.ts';
import { createAesVault } from './internal/vault.ts';

// The store's directories are its owner's only, as its files are (replaceFile's default 0600).
const DIRECTORY_MODE = 0o700;

/** Options of {@link createEmbeddedStore}. */
export interface EmbeddedStoreOptions {
  /** The data directory; created (mode 0700) when missing. One process at a time may use it. */
  readonly directory: string;
}

/**
 * The server's default {@link WebtaskStore}: every webtask and storage document is a file in
 * `directory`, replaced atomically (a crash leaves the old version or the new one), with secrets
 * encrypted by AES-256-GCM under the key in `<directory>/secret.key`, made on first start. All
 * webtasks are loaded into memory at open, so `get` and `list` never wait for the disk.
 */
export async function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<WebtaskStore> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createEmbeddedStore() takes an options object');
  if (typeof options.directory !== 'string' || options.directory === '') throw new TypeError('options.directory must be a directory path');
  const directory = resolve(options.directory);
  const folders = [directory, join(directory, WEBTASKS_DIRECTORY), join(directory, DATA_DIRECTORY)];
  for (const folder of folders) {
    await mkdir(folder, { recursive: true, mode: DIRECTORY_MODE });
    // A new directory's own entry must reach the disk too, or a crash could lose every file in it.
    await syncDirectory(dirname(folder));
    await sweepTemporaryFiles(folder);
  }
  const key = await loadKey(directory);
  const vault = createAesVault(key);
  const webtasks = await loadWebtasks(directory, key);
  await removeOrphanData(directory, webtasks);
  return createIndexedStore({ webtasks, backend: createDiskBackend(directory, key), vault });
}
