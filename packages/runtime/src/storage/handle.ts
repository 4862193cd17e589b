import { ExtCompilersError } from '@ext-compilers/core';
import { commit, dataOf, type StorageDocument, STORAGE_LIMIT, tooLargeError } from './document.ts';

/** Options of `storage.get`: none are used; the argument is accepted for the platform's signature. */
export type StorageGetOptions = Record<string, unknown>;

/** Options of `storage.set`. */
export interface StorageSetOptions {
  /** Write even if the document changed since this handle read it. */
  force?: boolean | number | undefined;
  /** The etag the write expects (`null`: an empty document), instead of the one this handle last read. */
  etag?: string | null | undefined;
}

/** `ctx.storage`: one JSON document, read and written with optimistic concurrency. */
export interface WebtaskStorage {
  get(cb: (error: Error | null, data?: unknown) => void): void;
  get(options: StorageGetOptions, cb: (error: Error | null, data?: unknown) => void): void;
  set(data: unknown, cb?: (error: Error | null) => void): void;
  set(data: unknown, options: StorageSetOptions, cb?: (error: Error | null) => void): void;
}

export type AnyCallback = (error: Error | null, data?: unknown) => void;

/**
 * Carries the document privately. A WeakMap from handle to document, the first version, cost about
 * a microsecond per request (every request gets a handle) in insertion and ephemeron work for GC;
 * a private field and its brand check cost nothing. `get` and `set` stay own closures, so
 * `const { get } = ctx.storage` keeps working.
 */
class Handle {
  readonly #document: StorageDocument;

  constructor(document: StorageDocument) {
    this.#document = document;
  }

  static documentOf(value: object): StorageDocument | undefined {
    return #document in value ? value.#document : undefined;
  }
}

/** The document behind a storage made here, so each request can get its own handle on it. */
export function documentOf(storage: object): StorageDocument | undefined {
  return Handle.documentOf(storage);
}

/**
 * A handle on a document. A handle remembers the etag it last read or wrote: a `set` fails with a
 * conflict when another handle changed the document since. Callbacks are always asynchronous.
 */
export function createHandle(document: StorageDocument): WebtaskStorage {
  // undefined: this handle never read the document.
  let known: string | null | undefined;
  const storage = new Handle(document) as Handle & WebtaskStorage;
  Object.assign(storage, {
    get(options: unknown, cb?: unknown): void {
      const callback = callbackOf(options, cb, true);
      known = document.etag;
      process.nextTick(callback, null, dataOf(document));
    },
    set(data: unknown, options?: unknown, cb?: unknown): void {
      const callback = callbackOf(options, cb, false);
      const settings = (typeof options === 'object' ? options : {}) as StorageSetOptions;
      const clear = data === undefined || data === null;
      if (!clear && known === undefined && !settings.force && settings.etag === undefined) {
        throw new ExtCompilersError(
          'ERR_STORAGE_USAGE',
          'When calling storage.set without having called storage.get before, you must specify the .force option.',
        );
      }
      const json = clear ? undefined : serialize(data);
      if (json instanceof Error) return process.nextTick(callback, json);
      if (json !== undefined && Buffer.byteLength(json) > STORAGE_LIMIT) {
        return process.nextTick(callback, tooLargeError(Buffer.byteLength(json)));
      }
      commit(document, { json, expected: expectedEtag(settings, known) }).then(
        (etag) => {
          known = etag;
          process.nextTick(callback, null);
        },
        (error: Error) => process.nextTick(callback, error),
      );
    },
  });
  return storage;
}

/** The etag a `set` is made against: none when forced, else the one given, else the one the handle last read or wrote. */
export function expectedEtag(settings: { force?: unknown; etag?: string | null | undefined }, known: string | null | undefined): string | null | undefined {
  if (settings.force) return undefined;
  return settings.etag === undefined ? known : settings.etag;
}

// Arguments are checked as webtask-runtime does: `([options], cb)`, options an object, cb a function.
/** The callback of `get([options], cb)` / `set(data, [options], [cb])`, checked as the reference checks it. */
export function callbackOf(options: unknown, cb: unknown, required: boolean): AnyCallback {
  const callback = typeof options === 'function' && cb === undefined ? options : cb;
  const settings = typeof options === 'function' && cb === undefined ? undefined : options;
  if (settings !== undefined && (typeof settings !== 'object' || settings === null)) {
    throw new TypeError('Options must be an object.');
  }
  if (callback === undefined && !required) return () => {};
  if (typeof callback !== 'function') throw new TypeError('Callback must be a function.');
  return callback as AnyCallback;
}

/** The JSON of stored data, or the error that says why it cannot be stored. */
export function serialize(data: unknown): string | Error {
  try {
    const json = JSON.stringify(data);
    return json === undefined ? new TypeError('Storage data must be serializable as JSON.') : json;
  } catch (error) {
    return error as Error;
  }
}
