import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ExtCompilersError, replaceFile } from '@ext-compilers/core';

/** The platform's limit on one webtask's storage document: 500 KB of JSON. */
export const STORAGE_LIMIT: number = 500 * 1024;

/** One stored JSON document, shared by every handle (every request) of a webtask. */
export interface StorageDocument {
  /** The stored JSON text, `undefined` when empty. */
  json: string | undefined;
  /** The etag of `json`, `null` when empty. */
  etag: string | null;
  /** Where the document is persisted, if anywhere: its JSON text (`undefined` when cleared). */
  save: ((json: string | undefined) => Promise<void>) | undefined;
  /** The write in progress, so writes land in the order they were made. */
  writing: Promise<void>;
}

export interface StorageDocumentOptions {
  initialData?: unknown;
  file?: string | undefined;
  save?: ((json: string | undefined) => Promise<void>) | undefined;
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

/** Persist the current content after any earlier write. */
export function persist(document: StorageDocument): Promise<void> {
  const save = document.save;
  if (save === undefined) return Promise.resolve();
  const json = document.json;
  const write = (): Promise<void> => save(json);
  const next = document.writing.then(write, write);
  document.writing = next.catch(() => {});
  return next;
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
