import { ExtCompilersError } from '@ext-compilers/core';
import type { WebtaskStorage } from '../create-storage.ts';
import type { StorageOperation, StorageReply } from '../executor/types.ts';
import { commit, conflictError, type StorageDocument, STORAGE_LIMIT, tooLargeError } from './document.ts';
import { callbackOf, expectedEtag, serialize } from './handle.ts';


/** Sends one storage operation to the host and calls back with its reply (always asynchronously). */
export type StorageRequest = (operation: StorageOperation, cb: (reply: StorageReply) => void) => void;

/**
 * A storage handle whose document lives in the host: the guest side of the proxy. It keeps the
 * etag it last read or wrote, as a local handle does, so a `set` after another writer's change
 * fails with the same 409 conflict; the check itself runs in the host, on the one document.
 */
export function createProxyHandle(request: StorageRequest): WebtaskStorage {
  let known: string | null | undefined;
  return {
    get(options: unknown, cb?: unknown): void {
      const callback = callbackOf(options, cb, true);
      request({ op: 'get' }, (reply) => {
        if (reply.error) return callback(storageError(reply.error));
        known = reply.etag ?? null;
        callback(null, reply.json === undefined ? null : JSON.parse(reply.json));
      });
    },
    set(data: unknown, options?: unknown, cb?: unknown): void {
      const callback = callbackOf(options, cb, false);
      const settings = (typeof options === 'object' && options !== null ? options : {}) as { force?: unknown; etag?: string | null };
      const clear = data === undefined || data === null;
      if (!clear && known === undefined && !settings.force && settings.etag === undefined) {
        throw new ExtCompilersError('ERR_STORAGE_USAGE', 'When calling storage.set without having called storage.get before, you must specify the .force option.');
      }
      const json = clear ? undefined : serialize(data);
      if (json instanceof Error) return process.nextTick(callback, json);
      request({ op: 'set', json, expected: expectedEtag(settings, known), force: Boolean(settings.force) }, (reply) => {
        if (reply.error) return callback(storageError(reply.error));
        known = reply.etag ?? null;
        callback(null);
      });
    },
  } as WebtaskStorage;
}

/** The host side: apply one operation to the document, with the local handle's rules (size limit, then `commit`). */
export function answerStorage(document: StorageDocument | undefined, operation: StorageOperation, cb: (reply: StorageReply) => void): void {
  if (!document) return cb({ error: { kind: 'other', message: 'Storage is not available to this webtask here.' } });
  if (operation.op === 'get') return cb({ json: document.json, etag: document.etag });
  const size = operation.json === undefined ? 0 : Buffer.byteLength(operation.json);
  if (size > STORAGE_LIMIT) return cb({ error: { kind: 'too-large', size } });
  // The guest's `force` and `expected` are its own to choose, as a local handle's options are.
  const expected = operation.force ? undefined : operation.expected;
  commit(document, { json: operation.json, expected }).then(
    (etag) => cb({ etag }),
    (error: Error & { errorCode?: unknown; conflict?: unknown }) => {
      if (error.errorCode !== 'ERR_STORAGE_CONFLICT') return cb({ error: { kind: 'other', message: error.message } });
      cb({ error: { kind: 'conflict', json: error.conflict === null ? undefined : JSON.stringify(error.conflict) } });
    },
  );
}

function storageError(error: NonNullable<StorageReply['error']>): Error {
  if (error.kind === 'conflict') return conflictError(error.json === undefined ? null : JSON.parse(error.json));
  if (error.kind === 'too-large') return tooLargeError(error.size);
  return new Error(error.message);
}

