import { DEFAULT_MAX_BODY_SIZE, type Logger } from '@ext-compilers/core';
import type { WebtaskStorage } from '../create-storage.ts';
import type { OptionsOf, PipelineSettings, RunSettings } from './types.ts';
import { openDocument } from '../storage/document.ts';
import { documentOf } from '../storage/handle.ts';

/** The default per-request time limit: 20 s, the Hooks budget. */
export const DEFAULT_TIMEOUT = 20_000;

/**
 * The input form of `RunSettings`, shared by `simulate()`, `createServer()` and
 * `createJobWebtask()` (webtask-runtime's options, plus ours): each setting optional, `parseBody`
 * and `mergeBody` also as booleans, and where the requests' storage and reports go.
 */
export interface RuntimeOptions extends OptionsOf<Omit<RunSettings, 'parseBody' | 'mergeBody'>> {
  /** `pb`: 0 never, 1 always, 2 (default) for 1- and 2-ary functions only; `true`/`false` are 1/0. */
  parseBody?: boolean | 0 | 1 | 2 | undefined;
  /** `mb`: merge the parsed body into `ctx.data`. */
  mergeBody?: boolean | number | undefined;
  /** Where faults of user code (a synchronous throw, a timeout) are reported, with `error`; default `console`. */
  logger?: Logger | undefined;
  /** The storage's content when it starts empty. */
  initialStorageData?: unknown;
  /** Persist the storage to this JSON file. */
  storageFile?: string | undefined;
  /** A storage to use instead (one from `createStorage()` gives each request its own handle on it). */
  storage?: WebtaskStorage | undefined;
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
