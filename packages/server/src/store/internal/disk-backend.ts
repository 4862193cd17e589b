import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { replaceFile, syncDirectory } from '@ext-compilers/core';
import type { Backend, StoredWebtask } from './indexed-store.ts';
import { checkInput, checkName } from './validate.ts';
import { openText, sealText } from './vault.ts';

export const WEBTASKS_DIRECTORY = 'webtasks';
export const DATA_DIRECTORY = 'data';

// Format 2: the whole file is an AES-256-GCM envelope under the store's key, authenticated with
// its file name — code, meta (which may hold a hook's Bearer secret) and storage data are never
// at rest in plain text, and a file copied over another fails to open.
const FORMAT = 2;
// Names may differ only in case, hold `:` and other characters some filesystems refuse, and two
// of 64 characters encoded exceed a file name's 255 bytes, so a file is named by the SHA-256 of
// its container and name: fixed length, case-exact, portable. The file itself says which it is.
const FILE = /^[0-9a-f]{64}\.json$/;
// Files read at once while loading; thousands of small files, without running out of descriptors.
const BATCH = 64;

function fileName(container: string, name: string): string {
  return `${createHash('sha256').update(JSON.stringify([container, name])).digest('hex')}.json`;
}

/** The sealed content of a file: `{ format, sealed }`, the envelope bound to the file's name. */
function sealFile(key: Buffer, text: string, file: string): string {
  return `${JSON.stringify({ format: FORMAT, sealed: sealText(key, text, basename(file)) })}\n`;
}

function openFile(key: Buffer, content: string, file: string): string {
  const value = JSON.parse(content) as { format?: unknown; sealed?: unknown };
  if (value.format !== FORMAT) throw new Error(`format ${JSON.stringify(value.format)}`);
  try {
    return openText(key, value.sealed, basename(file));
  } catch (error) {
    throw new Error('it cannot be decrypted: it was altered, or the key is not the one it was encrypted with', { cause: error });
  }
}

/** Remove `file` (if present) and flush the directory, so the removal survives a crash. */
async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
  await syncDirectory(dirname(file));
}

/** The embedded store's files: `webtasks/<file>` per webtask, `data/<file>` per storage document, each sealed with `key`. */
export function createDiskBackend(directory: string, key: Buffer): Backend {
  const webtaskFile = (container: string, name: string): string => join(directory, WEBTASKS_DIRECTORY, fileName(container, name));
  const dataFile = (container: string, name: string): string => join(directory, DATA_DIRECTORY, fileName(container, name));
  return {
    saveWebtask: (webtask) => {
      const file = webtaskFile(webtask.container, webtask.name);
      return replaceFile(file, sealFile(key, JSON.stringify(webtask), file));
    },
    removeWebtask: (container, name) => removeFile(webtaskFile(container, name)),
    async readData(container, name) {
      const file = dataFile(container, name);
      let content: string;
      try {
        content = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return openFile(key, content, file);
      } catch (error) {
        throw new Error(`${file} is not a storage document of this store (${(error as Error).message}): restore it from a backup or remove it`, { cause: error });
      }
    },
    saveData: (container, name, json) => {
      const file = dataFile(container, name);
      return json === undefined ? removeFile(file) : replaceFile(file, sealFile(key, json, file));
    },
    close: async () => {},
  };
}

/** Every webtask file of `directory`. Temporary files and anything else are not webtasks. */
export async function loadWebtasks(directory: string, key: Buffer): Promise<StoredWebtask[]> {
  const files = (await readdir(join(directory, WEBTASKS_DIRECTORY))).filter((file) => FILE.test(file));
  const webtasks: StoredWebtask[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH).map(async (file) => {
      const path = join(directory, WEBTASKS_DIRECTORY, file);
      return parseWebtask(key, await readFile(path, 'utf8'), file, path);
    });
    webtasks.push(...(await Promise.all(batch)));
  }
  return webtasks;
}

/**
 * Remove storage documents whose webtask is gone: a delete removes the webtask's file first (the
 * delete happens there), then its document, so a crash between the two leaves a document behind.
 */
export async function removeOrphanData(directory: string, webtasks: readonly StoredWebtask[]): Promise<void> {
  const owned = new Set(webtasks.map((webtask) => fileName(webtask.container, webtask.name)));
  const files = await readdir(join(directory, DATA_DIRECTORY));
  for (const file of files) {
    if (FILE.test(file) && !owned.has(file)) await removeFile(join(directory, DATA_DIRECTORY, file));
  }
}

// Every write is atomic, so a file that does not parse was changed by something else: say which
// one rather than start without it (its webtask would silently vanish) or with garbage.
function parseWebtask(key: Buffer, content: string, file: string, path: string): StoredWebtask {
  try {
    const value = JSON.parse(openFile(key, content, path)) as Record<string, unknown>;
    const container = checkName('container', value.container);
    const name = checkName('name', value.name);
    if (fileName(container, name) !== file) throw new Error(`it names ${container}/${name}`);
    const { code, url, meta } = checkInput({ code: value.code as string, url: value.url as string, meta: value.meta as Record<string, string> });
    const names = value.secret_names;
    if (!Array.isArray(names) || !names.every((item) => typeof item === 'string')) throw new Error('secret_names');
    if ((names.length === 0) !== (value.secrets === undefined)) throw new Error('secrets');
    const times = [value.version, value.created_at, value.updated_at];
    if (!times.every((item) => typeof item === 'string')) throw new Error('version or times');
    const [version, created_at, updated_at] = times as [string, string, string];
    const generation = generationOf(value.generation, version);
    return { container, name, code, url, meta, secret_names: Object.freeze(names), secrets: value.secrets, version, generation, created_at, updated_at };
  } catch (error) {
    throw new Error(`${path} is not a webtask of this store (${(error as Error).message}): restore it from a backup or remove it`, { cause: error });
  }
}

// A file written before webtasks had a generation: its version, a UUID never given to another
// webtask, serves as one, and the next put of the webtask keeps it.
function generationOf(value: unknown, version: string): string {
  if (value === undefined) return version;
  if (typeof value !== 'string') throw new Error('generation');
  return value;
}
