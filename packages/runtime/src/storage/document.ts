import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ExtCompilersError, replaceFile } from '@ext-compilers/core';

/** The platform's limit on one webtask's storage document: 500 KB of JSON. */
export const STORAGE_LIMIT: number = 500 * 1024;

/**
 * Persists a document's JSON text (`undefined`: cleared). `expected` is the etag of the document
 * the write was made against (`undefined`: a forced write, or a clear by a handle that never
 * read). A saver that others write to as well (a server's store) checks it against what it holds
 * and, when that is another document, writes nothing and answers `{ conflict }`: the data it holds.
 */
export type StorageSave = (json: string | undefined, expected: string | null | undefined) => Promise<void | { conflict: unknown }>;

/** One stored JSON document, shared by every handle (every request) of a webtask. */
export interface StorageDocument {
  /** The stored JSON text, `undefined` when empty. */
  json: string | undefined;
  /** The etag of `json`, `null` when empty. */
  etag: string | null;
  /** Where the document is persisted, if anywhere. */
  save: StorageSave | undefined;
  /** The write in progress, so writes are checked and land in the order they were made. */
  writing: Promise<unknown>;
}

export interface StorageDocumentOptions {
  initialData?: unknown;
  file?: string | undefined;
  save?: StorageSave | undefined;
}

/**
 * Open a document. A file that exists holds the state (its content wins over `initialData`, which
 * only seeds a file that does not exist yet); a file that cannot be parsed is an error.
 */
export function openDocument(options: StorageDocumentOptions): StorageDocument {
  if (options.file !== undefined && options.save !== undefined) throw new TypeError('Storage: give either file or save, not both');
  const save = options.file === undefined ? options.save : saveToFile(options.file);
  const document: StorageDocument = { json: undefined, etag: null, save, writing: Promise.resolve() };
  const stored = options.file === undefined ? undefined : readStored(options.file);
  const initial = stored === undefined ? options.initialData : stored;
  if (initial !== undefined && initial !== null) replace(document, JSON.stringify(initial));
  return document;
}

function readStored(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text);
}

/** Replace the document's content (`undefined` clears it). */
export function replace(document: StorageDocument, json: string | undefined): void {
  document.json = json;
  // An etag identifies the stored JSON text; it is not a security measure.
  document.etag = json === undefined ? null : createHash('sha1').update(json).digest('base64');
}

/** What a `set` asks: the JSON to store (`undefined`: clear), and the etag it expects (`undefined`: no check). */
export interface Change {
  json: string | undefined;
  expected: string | null | undefined;
}

/**
 * Apply a `set` once every earlier one has settled: checked against the document, then saved,
 * and the saver checks it again against what it holds (a store that other writers change too: a
 * copy of a document can be behind it). The document takes the new content only once it is saved,
 * so no handle reads what was never stored. Resolves with the new etag; rejects with the conflict
 * error (the document then holds the current value) or with the saver's error.
 */
export function commit(document: StorageDocument, change: Change): Promise<string | null> {
  const apply = (): Promise<string | null> => applyChange(document, change);
  const next = document.writing.then(apply, apply);
  document.writing = next.catch(() => undefined);
  return next;
}

async function applyChange(document: StorageDocument, { json, expected }: Change): Promise<string | null> {
  if (expected !== undefined && expected !== document.etag) throw conflictError(dataOf(document));
  const refused = await document.save?.(json, expected);
  if (refused) {
    const current = refused.conflict ?? null;
    replace(document, current === null ? undefined : JSON.stringify(current));
    throw conflictError(current);
  }
  replace(document, json);
  return document.etag;
}

/** The document's data, as `get` gives it: `null` when empty. */
export function dataOf(document: StorageDocument): unknown {
  return document.json === undefined ? null : JSON.parse(document.json);
}

/** Writes to a JSON file with core's atomic `replaceFile`; the mode a plain write would give (0666 less the umask), as before. */
function saveToFile(file: string): (json: string | undefined) => Promise<void> {
  return (json) => replaceFile(file, json ?? 'null', { mode: 0o666 });
}

/** The error of a `set` whose expected etag no longer matches: `code: 409` as the platform, our code on `errorCode`. */
export function conflictError(current: unknown): Error {
  return Object.assign(new Error('Item was modified since it was read.'), {
    code: 409,
    statusCode: 409,
    errorCode: 'ERR_STORAGE_CONFLICT',
    conflict: current,
  });
}

export function tooLargeError(size: number): ExtCompilersError {
  return new ExtCompilersError('ERR_STORAGE_TOO_LARGE', `Storage data of ${size} bytes exceeds the limit of ${STORAGE_LIMIT} bytes`, {
    details: { limit: STORAGE_LIMIT, size },
  });
}
