import { Server } from 'node:http';
import { ModuleStore } from '@ext-compilers/modules';
import { Executor, Sandbox } from '@ext-compilers/runtime';
import { TokenService } from '@ext-compilers/tokens';

/** A fixed-window request limit per key (a container): `take` says how long to wait when over it. */
interface RateLimit {
    readonly requests: number;
    /** The window, in seconds. */
    readonly seconds: number;
}

/** The largest `code` a webtask may have, in UTF-8 bytes (the platform's "100kb filesize limit"). */
declare const MAX_CODE_SIZE: number;
/** The largest storage document of one webtask, in bytes of JSON (the platform's 500 KB). */
declare const MAX_DATA_SIZE: number;
/** How many webtasks `list()` returns when no `limit` is given, and the most it returns. */
declare const DEFAULT_LIST_LIMIT: number;
declare const MAX_LIST_LIMIT: number;
/** What `put()` stores: exactly one of `code` and `url`; `secrets` and `meta` are string maps. */
interface WebtaskInput {
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
interface WebtaskRecord {
    readonly container: string;
    readonly name: string;
    readonly code?: string;
    readonly url?: string;
    readonly meta: Readonly<Record<string, string>>;
    readonly secret_names: readonly string[];
    readonly secrets?: Readonly<Record<string, string>>;
    readonly version: string;
    /** ISO 8601 time of the first `put()` of this webtask. */
    readonly created_at: string;
    /** ISO 8601 time of the last `put()`. */
    readonly updated_at: string;
}
interface GetOptions {
    /** Include the secret values. Default `false`. */
    readonly decrypt?: boolean | undefined;
}
interface ListOptions {
    /** `[key, value]` pairs that must all match the webtask's meta exactly. */
    readonly meta?: ReadonlyArray<readonly [string, string]> | undefined;
    /** How many webtasks to skip, in name order. Default 0. */
    readonly offset?: number | undefined;
    /** How many to return: 1 to {@link MAX_LIST_LIMIT}, default {@link DEFAULT_LIST_LIMIT}. */
    readonly limit?: number | undefined;
}
/** A webtask's storage document: `null` data and etag when nothing is stored. */
interface StoredData {
    readonly data: unknown;
    readonly etag: string | null;
}
interface WriteDataOptions {
    /**
     * The etag the write expects (`null`: expects an empty document). On a mismatch the write fails
     * with `ERR_STORAGE_CONFLICT`. `undefined`: no check (last writer wins), as the management API's
     * optional `etag`.
     */
    readonly etag?: string | null | undefined;
    /** Write whatever `etag` says. */
    readonly force?: boolean | undefined;
}
/**
 * Where the server keeps webtasks and their storage. Implementations: the embedded store (a local
 * directory, one node), the memory store (tests), and later PostgreSQL (several nodes). A missing
 * webtask is `undefined` (or `false` for `delete`), never an error.
 */
interface WebtaskStore {
    /** Create or replace a webtask. A replace drops the meta and secrets the input does not carry. */
    put(container: string, name: string, input: WebtaskInput): Promise<WebtaskRecord>;
    get(container: string, name: string, options?: GetOptions): Promise<WebtaskRecord | undefined>;
    /** Remove a webtask and its storage document; `false` when there was none. */
    delete(container: string, name: string): Promise<boolean>;
    /** A container's webtasks sorted by name (code unit order), without secret values. */
    list(container: string, options?: ListOptions): Promise<WebtaskRecord[]>;
    /** The containers that hold at least one webtask, sorted. */
    containers(): Promise<string[]>;
    readData(container: string, name: string): Promise<StoredData | undefined>;
    /** Replace (`null`/`undefined`: clear) the storage document of an existing webtask. */
    writeData(container: string, name: string, data: unknown, options?: WriteDataOptions): Promise<StoredData | undefined>;
    /** Wait for writes in flight, then release the store; later calls fail with `ERR_STORAGE_USAGE`. */
    close(): Promise<void>;
}

/** Where the server reports its own faults (never a secret, never a request body). */
interface ServerLogger {
    error(...args: unknown[]): void;
}
interface WebtaskServerOptions {
    /** Where webtasks and their storage are kept (`createEmbeddedStore()`, `createMemoryStore()`). */
    store: WebtaskStore;
    /** Issues and checks the webtask tokens of the management routes and of ad-hoc runs. */
    tokens: TokenService;
    /** The token of the server's administrator, compared in constant time: full rights everywhere. */
    adminToken: string;
    /** Where webtasks run; default `createExecutor({ sandbox, size: workers, memoryLimit, timeout })`, closed with the server. */
    executor?: Executor | undefined;
    /** Default `worker`. Ignored with `executor`. */
    sandbox?: Sandbox | undefined;
    workers?: number | undefined;
    memoryLimit?: number | undefined;
    /** Per-request time limit of a run, in ms (default 20000). */
    timeout?: number | undefined;
    /** Largest request body a run accepts, in bytes (default 1 MiB). */
    maxBodySize?: number | undefined;
    /** For `/api/env/node/modules`; without it those routes answer 501. */
    modules?: ModuleStore | undefined;
    /** A limit on the run requests of each container; over it, 429 with `Retry-After`. */
    rateLimit?: RateLimit | undefined;
    /** The base of `webtask_url` (`https://hooks.example.com`); default `http://<Host header>`. */
    publicUrl?: string | undefined;
    logger?: ServerLogger | undefined;
}
/**
 * The multi-tenant webtask server: the management API (`/api/webtask`), the run routes
 * (`/api/run`), tokens (`/api/tokens`), log streams (`/api/logs/tenant`) and the module listing
 * (`/api/env/node/modules`), over one store, one token service and one executor. Not listening:
 * call `listen()`. Closing it closes the executor it created and ends the log streams.
 */
declare function createWebtaskServer(options: WebtaskServerOptions): Server;

interface OpenServerOptions {
    /** The data directory (created, mode 0700): webtasks, keys, the admin token, revocations, modules. */
    data: string;
    /** Default `worker`. */
    sandbox?: Sandbox | undefined;
    workers?: number | undefined;
    memoryLimit?: number | undefined;
    timeout?: number | undefined;
    rateLimit?: RateLimit | undefined;
    publicUrl?: string | undefined;
    /** The module store for `'use npm'` listings and installs; default `<data>/modules`; `false` for none. */
    modules?: false | undefined;
    logger?: ServerLogger | undefined;
}
interface OpenedServer {
    /** Not listening yet. */
    server: Server;
    /** The admin token, as kept in `adminTokenFile` (mode 0600). */
    adminToken: string;
    adminTokenFile: string;
    /** Whether this start made the data directory's keys and admin token. */
    created: boolean;
    store: WebtaskStore;
    tokens: TokenService;
    /** Stop the server (if listening), its executor and its store. */
    close(): Promise<void>;
}
declare const ADMIN_TOKEN_FILE = "admin-token";
/**
 * A server over a data directory, as `ext-compilers start` runs it: the embedded store in
 * `<data>/store` (secrets encrypted at rest), the token keys in `<data>/token.keys`, the admin
 * token in `<data>/admin-token` and revoked tokens in `<data>/revoked`, each made on first start
 * with mode 0600; the module store in `<data>/modules`. One process per data directory.
 */
declare function openServer(options: OpenServerOptions): Promise<OpenedServer>;

/** Options of {@link createEmbeddedStore}. */
interface EmbeddedStoreOptions {
    /** The data directory; created (mode 0700) when missing. One process at a time may use it. */
    readonly directory: string;
}
/**
 * The server's default {@link WebtaskStore}: every webtask and storage document is a file in
 * `directory`, replaced atomically (a crash leaves the old version or the new one), with secrets
 * encrypted by AES-256-GCM under the key in `<directory>/secret.key`, made on first start. All
 * webtasks are loaded into memory at open, so `get` and `list` never wait for the disk.
 */
declare function createEmbeddedStore(options: EmbeddedStoreOptions): Promise<WebtaskStore>;

/**
 * A {@link WebtaskStore} that keeps everything in this process's memory and forgets it on exit:
 * for tests and throw-away servers. Same rules as the embedded store (names, limits, etags, meta
 * filters); secrets are not encrypted, since nothing is at rest.
 */
declare function createMemoryStore(): WebtaskStore;

export { ADMIN_TOKEN_FILE, DEFAULT_LIST_LIMIT, MAX_CODE_SIZE, MAX_DATA_SIZE, MAX_LIST_LIMIT, createEmbeddedStore, createMemoryStore, createWebtaskServer, openServer };
export type { EmbeddedStoreOptions, GetOptions, ListOptions, OpenServerOptions, OpenedServer, RateLimit, ServerLogger, StoredData, WebtaskInput, WebtaskRecord, WebtaskServerOptions, WebtaskStore, WriteDataOptions };
