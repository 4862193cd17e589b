import { createHash } from 'node:crypto';
import { ExtCompilersError } from '@ext-compilers/core';
import { MAX_DATA_SIZE, type StoredData, type WriteDataOptions } from '../webtask-store.ts';

/**
 * The etag of a stored JSON text: base64 SHA-1, as the runtime's storage computes it, so an etag
 * read through the store and one read through `ctx.storage` of the same document agree. It
 * identifies content; it is not a security measure.
 */
export function etagOf(json: string | undefined): string | null {
  return json === undefined ? null : createHash('sha1').update(json).digest('base64');
}

export function toStoredData(json: string | undefined): StoredData {
  return { data: json === undefined ? null : JSON.parse(json), etag: etagOf(json) };
}

/** The JSON text to store for `data` (`undefined`: clear), within {@link MAX_DATA_SIZE}. */
export function serializeData(data: unknown): string | undefined {
  if (data === undefined || data === null) return undefined;
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new ExtCompilersError('ERR_STORAGE_USAGE', 'Storage data must be serializable as JSON', { cause: error, details: { field: 'data' } });
  }
  if (json === undefined) throw new ExtCompilersError('ERR_STORAGE_USAGE', 'Storage data must be serializable as JSON', { details: { field: 'data' } });
  const size = Buffer.byteLength(json);
  if (size > MAX_DATA_SIZE) {
    throw new ExtCompilersError('ERR_STORAGE_TOO_LARGE', `Storage data of ${size} bytes exceeds the limit of ${MAX_DATA_SIZE} bytes`, {
      details: { limit: MAX_DATA_SIZE, size },
    });
  }
  return json;
}

/**
 * Throws `ERR_STORAGE_CONFLICT` when the write expects another etag than the current one. The
 * error carries the current document (`details.conflict`, `details.etag`) so the caller can merge
 * and retry, as the platform's `error.conflict`.
 */
export function checkEtag(current: string | undefined, options: WriteDataOptions): void {
  if (options.force === true || options.etag === undefined) return;
  const stored = toStoredData(current);
  if (options.etag === stored.etag) return;
  throw new ExtCompilersError('ERR_STORAGE_CONFLICT', 'Item was modified since it was read.', {
    details: { conflict: stored.data, etag: stored.etag, expected: options.etag },
  });
}
