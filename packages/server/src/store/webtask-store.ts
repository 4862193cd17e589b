/** The largest `code` a webtask may have, in UTF-8 bytes (the platform's "100kb filesize limit"). */
export const MAX_CODE_SIZE: number = 100 * 1024;

/** The largest storage document of one webtask, in bytes of JSON (the platform's 500 KB). */
export const MAX_DATA_SIZE: number = 500 * 1024;

/** How many webtasks `list()` returns when no `limit` is given, and the most it returns. */
export const DEFAULT_LIST_LIMIT: number = 100;
export const MAX_LIST_LIMIT: number = 1000;

/** What `put()` stores: exactly one of `code` and `url`; `secrets` and `meta` are string maps. */
export interface WebtaskInput {
  readonly code?: string | undefined;
  readonly url?: string | undefined;
  readonly secrets?: Readonly<Record<string, string>> | undefined;
  readonly meta?: Readonly<Record<string, string>> | undefined;
}

/**
 * A stored webtask. Secret values are present only when read with `{ decrypt: true }`;
 * `secret_names` always says which secrets exist. `version` changes on every `put()` and is never
 * reused (not even after a delete and a new put of the same name), so a compile cache can key on it.
 */
export interface WebtaskRecord {
  readonly container: string;
  readonly name: string;
  readonly code?: string;
  readonly url?: string;
  readonly meta: Readonly<Record<string, string>>;
  readonly secret_names: readonly string[];
  readonly secrets?: Readonly<Record<string, string>>;
  readonly version: string;
  /**
   * Names this webtask from its creation to its delete: every `put()` that replaces it keeps it, a
   * new webtask of a deleted name gets a new one, and none is reused. Writes to its storage can be
   * tied to it (`WriteDataOptions.generation`), so that nothing meant for a deleted webtask ever
   * lands in a new one of the same name.
   */
  readonly generation: string;
  /** ISO 8601 time of the first `put()` of this webtask. */
  readonly created_at: string;
  /** ISO 8601 time of the last `put()`. */
  readonly updated_at: string;
}

export interface GetOptions {
  /** Include the secret values. Default `false`. */
  readonly decrypt?: boolean | undefined;
}

export interface ListOptions {
  /** `[key, value]` pairs that must all match the webtask's meta exactly. */
  readonly meta?: ReadonlyArray<readonly [string, string]> | undefined;
  /** How many webtasks to skip, in name order. Default 0. */
  readonly offset?: number | undefined;
  /** How many to return: 1 to {@link MAX_LIST_LIMIT}, default {@link DEFAULT_LIST_LIMIT}. */
  readonly limit?: number | undefined;
}

/** A webtask's storage document: `null` data and etag when nothing is stored. */
export interface StoredData {
  readonly data: unknown;
  readonly etag: string | null;
}

export interface WriteDataOptions {
  /**
   * The etag the write expects (`null`: expects an empty document). On a mismatch the write fails
   * with `ERR_STORAGE_CONFLICT`. `undefined`: no check (last writer wins), as the management API's
   * optional `etag`.
   */
  readonly etag?: string | null | undefined;
  /** Write whatever `etag` says. */
  readonly force?: boolean | undefined;
  /**
   * Refuse a write that would bring the container's storage documents past this many bytes of
   * JSON together (`ERR_STORAGE_TOO_LARGE`, `details: { container, limit, size }`). Checked and
   * counted in one step with the write, so concurrent writes never pass it together; a write that
   * does not grow its document always passes.
   */
  readonly containerLimit?: number | undefined;
  /**
   * The {@link WebtaskRecord.generation} the write is for: when the webtask was deleted since (and
   * maybe created anew), the write changes nothing and answers `undefined`, as for a missing webtask.
   */
  readonly generation?: string | undefined;
}

/** What a container holds, as `usage()` counts it. */
export interface ContainerUsage {
  readonly webtasks: number;
  /** The storage documents of its webtasks together, in bytes of JSON. */
  readonly dataBytes: number;
}

/**
 * A change made elsewhere (by another node of a cluster) to one webtask, to its record or only its
 * storage document; `'all'` when changes may have been missed, so that anything may have changed.
 */
export type StoreChange = { readonly container: string; readonly name: string } | 'all';

/**
 * Where the server keeps webtasks and their storage. Implementations: the embedded store (a local
 * directory, one node), the memory store (tests), and PostgreSQL (several nodes). A missing
 * webtask is `undefined` (or `false` for `delete`), never an error.
 */
export interface WebtaskStore {
  /** Create or replace a webtask. A replace drops the meta and secrets the input does not carry. */
  put(container: string, name: string, input: WebtaskInput): Promise<WebtaskRecord>;
  get(container: string, name: string, options?: GetOptions): Promise<WebtaskRecord | undefined>;
  /** Remove a webtask and its storage document; `false` when there was none. */
  delete(container: string, name: string): Promise<boolean>;
  /** A container's webtasks sorted by name (code unit order), without secret values. */
  list(container: string, options?: ListOptions): Promise<WebtaskRecord[]>;
  /** The containers that hold at least one webtask, sorted. */
  containers(): Promise<string[]>;
  /** How many webtasks `container` holds and how large their storage is (zeros for an empty one). */
  usage(container: string): Promise<ContainerUsage>;
  readData(container: string, name: string): Promise<StoredData | undefined>;
  /** Replace (`null`/`undefined`: clear) the storage document of an existing webtask. */
  writeData(container: string, name: string, data: unknown, options?: WriteDataOptions): Promise<StoredData | undefined>;
  /**
   * Stores that others write too (PostgreSQL) call `watcher` with each change another node made,
   * so that what was cached of that webtask (compiled code, a storage copy) is dropped; returns
   * the unsubscribe. Stores that only this process writes have no `watch`.
   */
  watch?(watcher: (change: StoreChange) => void): () => void;
  /** Wait for writes in flight, then release the store; later calls fail with `ERR_STORAGE_USAGE`. */
  close(): Promise<void>;
}
