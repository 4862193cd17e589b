import { openDocument, type StorageSave } from './storage/document.ts';
import { createHandle, type WebtaskStorage } from './storage/handle.ts';

export type { StorageGetOptions, StorageSetOptions, WebtaskStorage } from './storage/handle.ts';
export type { StorageSave } from './storage/document.ts';

export interface CreateStorageOptions {
  /** The document's content when it starts empty (and, with `file`, when the file does not exist). */
  initialData?: unknown;
  /** Persist the document to this JSON file (read at creation, written atomically on every `set`). */
  file?: string | undefined;
  /**
   * Persist the document yourself: called for every `set` with its JSON text (`undefined` when
   * cleared) and the etag the `set` expects of the stored document (`undefined`: forced, no
   * check), one call at a time, in order; the `set` calls back when it settles, and `get` sees the
   * new content once it is saved. Where others write too, check `expected` against what is stored
   * and, on a mismatch, write nothing and resolve with `{ conflict: <the stored data> }`: the `set`
   * fails with the 409 conflict and the document takes that data. Seed the current content with
   * `initialData`. Not with `file`.
   */
  save?: StorageSave | undefined;
}

/**
 * A webtask storage (`ctx.storage`): one JSON document of up to 500 KB with `get([options], cb)`
 * and `set(data, [options], cb)`. `get` of an empty document gives `null`; a `set` after another
 * writer's change fails with `code: 409`, `conflict` (the current value) and
 * `errorCode: 'ERR_STORAGE_CONFLICT'`; `{ force: true }` skips that check; `set(null)` clears.
 */
export function createStorage(options: CreateStorageOptions = {}): WebtaskStorage {
  if (typeof options !== 'object' || options === null) throw new TypeError('createStorage: options must be an object');
  return createHandle(openDocument(options));
}
