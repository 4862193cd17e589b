import { ExtCompilersError } from '@ext-compilers/core';

/**
 * The storage sizes of one container's webtasks: bytes of JSON by webtask name for those known,
 * and their sum. A size is known once a write or a read of the document told it; a store opened
 * over existing files learns its sizes lazily (`learnAll`), the first time a container's total
 * is needed.
 */
export interface DataSizes {
  readonly sizes: Map<string, number>;
  bytes: number;
}

// Documents read at once while learning sizes: many webtasks, without running out of descriptors.
const BATCH = 64;

export function createDataSizes(): DataSizes {
  return { sizes: new Map(), bytes: 0 };
}

export function sizeOf(json: string | undefined): number {
  return json === undefined ? 0 : Buffer.byteLength(json);
}

/** Record a size read from the backend, unless a write (which knows better) recorded one first. */
export function learnSize(data: DataSizes, name: string, json: string | undefined): void {
  if (data.sizes.has(name)) return;
  const size = sizeOf(json);
  data.sizes.set(name, size);
  data.bytes += size;
}

/**
 * Read the documents whose size is not known yet. `exists(name)` is asked again once a read is
 * back: a webtask deleted meanwhile is not counted.
 */
export async function learnAll(data: DataSizes, names: readonly string[], read: (name: string) => Promise<string | undefined>, exists: (name: string) => boolean): Promise<void> {
  const unknown = names.filter((name) => !data.sizes.has(name));
  for (let start = 0; start < unknown.length; start += BATCH) {
    await Promise.all(
      unknown.slice(start, start + BATCH).map(async (name) => {
        const json = await read(name);
        if (exists(name)) learnSize(data, name, json);
      }),
    );
  }
}

export function forgetSize(data: DataSizes, name: string): void {
  data.bytes -= data.sizes.get(name) ?? 0;
  data.sizes.delete(name);
}

/**
 * Count a write of `json` over `current` (the document as the write found it) in the container's
 * total, or refuse it with `ERR_STORAGE_TOO_LARGE` when it grows the total past `limit`. Check and
 * count are one synchronous step, so concurrent writes to a container never pass the limit
 * together. A write that does not grow the document always passes (a lowered limit never locks a
 * webtask out of clearing its data). Returns the undo, for a write that then fails.
 */
export function countWrite(data: DataSizes, write: { container: string; name: string; current: string | undefined; json: string | undefined; limit: number | undefined }): () => void {
  const { container, name, limit } = write;
  learnSize(data, name, write.current);
  const before = data.sizes.get(name)!;
  const after = sizeOf(write.json);
  const total = data.bytes - before + after;
  checkContainerLimit(container, limit, before, after, total);
  data.sizes.set(name, after);
  data.bytes = total;
  return () => {
    if (data.sizes.get(name) !== after) return;
    data.sizes.set(name, before);
    data.bytes += before - after;
  };
}

/** Throws `ERR_STORAGE_TOO_LARGE` when a write that grows a document (`before` to `after` bytes) brings its container's `total` past `limit`. */
export function checkContainerLimit(container: string, limit: number | undefined, before: number, after: number, total: number): void {
  if (limit !== undefined && after > before && total > limit) {
    throw new ExtCompilersError('ERR_STORAGE_TOO_LARGE', `Container ${container} has reached its storage limit of ${limit} bytes (this write would bring it to ${total})`, {
      details: { container, limit, size: total },
    });
  }
}
