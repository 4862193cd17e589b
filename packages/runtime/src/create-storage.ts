import { openDocument } from './storage/document.ts';
import { createHandle, type WebtaskStorage } from './storage/handle.ts';

export type { StorageGetOptions, StorageSetOptions, WebtaskStorage } from './storage/handle.ts';

export interface CreateStorageOptions {
  /** The document's content when it starts empty (and, with `file`, when the file does not exist). */
  initialData?: unknown;
  /** Persist the document to this JSON file (read at creation, written atomically on every `set`). */
  file?: string | undefined;
  /**
   * Persist the document yourself: called after every `set` with its JSON text (`undefined` when
   * cleared), one call at a time, in order; the `set` calls back when it settles. Seed the
   * current content with `initialData`. Not with `file`.
   */
  save?: ((json: string | undefined) => Promise<void>) | undefined;
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
