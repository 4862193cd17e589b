import { DEFAULT_MAX_BODY_SIZE, type Logger } from '@ext-compilers/core';
import type { WebtaskStorage } from '../create-storage.ts';
import type { PipelineSettings } from './types.ts';
import { openDocument } from '../storage/document.ts';
import { documentOf } from '../storage/handle.ts';

/** The default per-request time limit: 20 s, the Hooks budget. */
export const DEFAULT_TIMEOUT = 20_000;

/** Options shared by `simulate()` and `createServer()` (webtask-runtime's, plus ours). */
export interface RuntimeOptions {
  /** `pb`: 0 never, 1 always, 2 (default) for 1- and 2-ary functions only; `true`/`false` are 1/0. */
  parseBody?: boolean | 0 | 1 | 2 | undefined;
  /** `mb`: merge the parsed body into `ctx.data`. */
  mergeBody?: boolean | number | undefined;
  secrets?: Record<string, string> | undefined;
  meta?: Record<string, string> | undefined;
  params?: Record<string, unknown> | undefined;
  /** Where faults of user code (a synchronous throw, a timeout) are reported, with `error`; default `console`. */
  logger?: Logger | undefined;
  /** The storage's content when it starts empty. */
  initialStorageData?: unknown;
  /** Persist the storage to this JSON file. */
  storageFile?: string | undefined;
  /** A storage to use instead (one from `createStorage()` gives each request its own handle on it). */
  storage?: WebtaskStorage | undefined;
  /** Largest request body read, in bytes (default 1 MiB); over it, HTTP 413. */
  maxBodySize?: number | undefined;
  /** Per-request time limit in ms (default 20000; 0 for none); over it, HTTP 504. */
  timeout?: number | undefined;
  /** `ctx.token`. */
  token?: string | undefined;
  /** The container name in `req.x_wt` (default `webtask-local`). */
  container?: string | undefined;
  /** Answer `GET /favicon.ico` with 404 without running the webtask. */
  shortcutFavicon?: boolean | undefined;
  /**
   * Answer a `Server-Timing` header with the request's compile, module-load and user-code time
   * (default: on for `createServer()`, off for `simulate()`, whose answers stay webtask-runtime's).
   */
  serverTiming?: boolean | undefined;
}

export function resolveSettings(options: RuntimeOptions): PipelineSettings {
  const storage = options.storage;
  const document = storage ? documentOf(storage) : openDocument({ initialData: options.initialStorageData, file: options.storageFile });
  return {
    parseBody: options.parseBody === undefined ? 2 : parseMode(options.parseBody),
    mergeBody: Boolean(options.mergeBody),
    secrets: options.secrets ?? {},
    meta: options.meta ?? {},
    params: options.params ?? {},
    document,
    storage: document ? undefined : storage,
    maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE,
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    token: options.token,
    container: options.container ?? 'webtask-local',
    shortcutFavicon: Boolean(options.shortcutFavicon),
    serverTiming: Boolean(options.serverTiming),
    logger: options.logger ?? console,
  };
}

function parseMode(value: boolean | number): 0 | 1 | 2 {
  if (value === 0 || value === 1 || value === 2) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new TypeError('parseBody must be 0, 1, 2 or a boolean');
}
