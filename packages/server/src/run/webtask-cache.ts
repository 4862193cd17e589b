import { createHash } from 'node:crypto';
import { createJobWebtask, createStorage, type EgressAllow, type JobWebtask, type WebtaskStorage } from '@ext-compilers/runtime';
import type { Logger } from '@ext-compilers/core';
import type { WebtaskRecord, WebtaskStore } from '../store/webtask-store.ts';
import { fetchCode } from './fetch-code.ts';
import { HttpError } from '../http/http-error.ts';

/** What runs a webtask: where its code, its settings and its storage come from, cached per version. */
export interface WebtaskSettings {
  readonly timeout: number;
  readonly maxBodySize: number;
  /** The module store's root, for `'use npm'` where the webtask runs. */
  readonly modulesRoot: string | undefined;
  /** What the fetch of a `url` webtask's code may reach besides public addresses. */
  readonly egress?: EgressAllow | undefined;
  /** Bytes of JSON one container's storage documents may hold together (the store refuses a write past it). */
  readonly maxContainerStorage?: number | undefined;
  /** Called with a stored webtask's code (its own or fetched from its `url`) before its first job; throws to refuse it. */
  readonly admitCode?: ((code: string) => Promise<void>) | undefined;
  /** Where a storage write that failed for the server's own reasons (a disk's error) is reported. */
  readonly logger?: Pick<Logger, 'error'> | undefined;
}

/** An ad-hoc webtask's settings, from its token. */
export interface AdhocSettings {
  params: Record<string, string>;
  secrets: Record<string, string>;
  pb?: 0 | 1 | 2 | undefined;
  mb?: 0 | 1 | undefined;
}

export interface Webtasks {
  /**
   * The job webtask of a stored webtask, once per version: `record` says which version is current
   * (read without secrets); `decrypted` reads it with its secrets, only when that version is new here.
   */
  job(record: WebtaskRecord, decrypted: () => Promise<WebtaskRecord | undefined>): Promise<JobWebtask>;
  /**
   * The job webtask and storage of `record`'s version when both are made already: a request for a
   * webtask that ran before goes on without waiting for promises that are long settled.
   */
  ready(record: WebtaskRecord): { webtask: JobWebtask; storage: WebtaskStorage } | undefined;
  /** An ad-hoc webtask (`POST /api/run/{container}`): code and settings from the request and its token. */
  adhoc(container: string, code: string, settings: AdhocSettings): JobWebtask;
  /**
   * The storage of a stored webtask, loaded from the store once and saved back to it on every
   * `set`, for `record`'s generation only: once that webtask is deleted, its `set`s write nothing.
   */
  storage(record: WebtaskRecord): Promise<WebtaskStorage>;
  /** Drop what is cached of a webtask (after an update, a delete, or a write of its data). */
  forget(container: string, name: string): void;
  /** Which container (and webtask name, for a named one) a job's webtask id stands for. */
  identify(id: string): { container: string; name: string | undefined } | undefined;
}

const MAX_CACHED = 10_000;

/** A promise and, once it fulfilled, its value. */
interface Making<T> {
  promise: Promise<T>;
  made: T | undefined;
}

function making<T>(promise: Promise<T>, failed: () => void): Making<T> {
  const entry: Making<T> = { promise, made: undefined };
  promise.then((value) => void (entry.made = value), failed);
  return entry;
}

/** What the cache's operations share: the store, the settings, and what is cached, by `key()`. */
interface CacheState {
  readonly store: WebtaskStore;
  readonly settings: WebtaskSettings;
  // Each entry keeps its promise and, once it settled, what it made: `ready()` reads the latter.
  readonly jobs: Map<string, Making<JobWebtask> & { version: string }>;
  readonly storages: Map<string, Making<WebtaskStorage> & { generation: string }>;
  readonly places: Map<string, { container: string; name: string | undefined }>;
}

export function createWebtasks(store: WebtaskStore, settings: WebtaskSettings): Webtasks {
  const state: CacheState = { store, settings, jobs: new Map(), storages: new Map(), places: new Map() };
  const forget = (container: string, name: string): void => {
    state.jobs.delete(key(container, name));
    state.storages.delete(key(container, name));
  };
  // Another node changed a webtask (or may have: 'all'): its job and its storage copy are stale here.
  store.watch?.((change) => {
    if (change !== 'all') return forget(change.container, change.name);
    state.jobs.clear();
    state.storages.clear();
  });
  return {
    job: (current, decrypted) => job(state, current, decrypted),
    ready: (current) => ready(state, current),
    adhoc: (container, code, adhocSettings) => adhoc(settings, container, code, adhocSettings),
    storage: (record) => storage(state, record),
    forget,
    identify: (id) => identify(state, id),
  };
}

function key(container: string, name: string): string {
  return `${container}\u0000${name}`;
}

function bounded<V>(map: Map<string, V>, k: string, value: V): V {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as string);
  map.set(k, value);
  return value;
}

function job(state: CacheState, current: WebtaskRecord, decrypted: () => Promise<WebtaskRecord | undefined>): Promise<JobWebtask> {
  const k = key(current.container, current.name);
  const known = state.jobs.get(k);
  if (known?.version === current.version) return known.promise;
  const webtask = decrypted().then((record) => {
    if (!record) throw new HttpError(404, `No such webtask: ${current.name}`);
    return storedJob(state.settings, record);
  });
  const entry = making(webtask, () => state.jobs.get(k)?.promise === webtask && state.jobs.delete(k));
  return bounded(state.jobs, k, Object.assign(entry, { version: current.version })).promise;
}

/** The job webtask of a stored webtask's version, its code fetched when it has a `url`. */
async function storedJob(settings: WebtaskSettings, record: WebtaskRecord): Promise<JobWebtask> {
  const code = record.code ?? (await fetchCode(record.url!, settings.egress));
  await settings.admitCode?.(code);
  // The id names this version: a guest keeps the compiled function under it.
  const id = JSON.stringify(['webtask', record.container, record.name, record.version]);
  return createJobWebtask(id, code, {
    meta: { ...record.meta },
    secrets: { ...record.secrets },
    container: record.container,
    timeout: settings.timeout,
    maxBodySize: settings.maxBodySize,
    modulesRoot: settings.modulesRoot,
    serverTiming: true,
  });
}

function ready(state: CacheState, current: WebtaskRecord): { webtask: JobWebtask; storage: WebtaskStorage } | undefined {
  const k = key(current.container, current.name);
  const cached = state.jobs.get(k);
  const webtask = cached?.version === current.version ? cached.made : undefined;
  const stored = state.storages.get(k);
  const storage = stored?.generation === current.generation ? stored.made : undefined;
  return webtask && storage ? { webtask, storage } : undefined;
}

function adhoc(settings: WebtaskSettings, container: string, code: string, { params, secrets, pb, mb }: AdhocSettings): JobWebtask {
  const digest = createHash('sha256').update(JSON.stringify([container, code, params, secrets, pb ?? null, mb ?? null])).digest('hex');
  const id = JSON.stringify(['adhoc', container, digest]);
  const { timeout, maxBodySize, modulesRoot } = settings;
  return createJobWebtask(id, code, { params, secrets, container, parseBody: pb, mergeBody: mb === 1, timeout, maxBodySize, modulesRoot, serverTiming: true });
}

function storage(state: CacheState, record: WebtaskRecord): Promise<WebtaskStorage> {
  const { container, name, generation } = record;
  const k = key(container, name);
  const known = state.storages.get(k);
  if (known?.generation === generation) return known.promise;
  const loaded = state.store.readData(container, name).then((stored) =>
    createStorage({
      initialData: stored?.data ?? undefined,
      save: (json, expected) => save(state, record, json, expected).catch((error: unknown) => {
        // Whether the store took it is unknown: the next request reads the store again.
        if (state.storages.get(k) === entry) state.storages.delete(k);
        throw error;
      }),
    }),
  );
  const entry = Object.assign(making(loaded, () => state.storages.get(k) === entry && state.storages.delete(k)), { generation });
  return bounded(state.storages, k, entry).promise;
}

/**
 * A `set` of a run, written to the store if the store still holds the document the `set` was made
 * against (`expected`; `undefined` only when the webtask forced it): the host's copy of a document
 * can be behind the store, which the management API writes too. The generation is the host's,
 * from the record the run was given, never a guest's.
 */
async function save(state: CacheState, record: WebtaskRecord, json: string | undefined, expected: string | null | undefined): Promise<void | { conflict: unknown }> {
  const { container, name, generation } = record;
  const options = { etag: expected, containerLimit: state.settings.maxContainerStorage, generation };
  let written: unknown;
  try {
    written = await state.store.writeData(container, name, json === undefined ? null : JSON.parse(json), options);
  } catch (error) {
    return refusal(error, state.settings.logger);
  }
  if (written === undefined) throw new Error('The webtask was deleted while this request ran: nothing was written.');
}

/** A store's refusal as the webtask's `set` gets it: a conflict's current data, or an error a tenant may read. */
function refusal(error: unknown, logger: Pick<Logger, 'error'> | undefined): { conflict: unknown } {
  const { code, details } = error as { code?: unknown; details?: { conflict?: unknown } };
  if (code === 'ERR_STORAGE_CONFLICT') return { conflict: details?.conflict };
  // A coded store error says what is wrong in a tenant's terms; any other (a disk's error names
  // the server's paths) stays in the host.
  if (typeof code === 'string' && code.startsWith('ERR_STORAGE_')) throw error;
  logger?.error('ext-compilers server: a storage write failed:', error instanceof Error ? error.message : String(error));
  throw new Error('The storage document could not be saved.');
}

function identify(state: CacheState, id: string): { container: string; name: string | undefined } | undefined {
  let where = state.places.get(id);
  if (where === undefined) {
    try {
      const [kind, container, name] = JSON.parse(id) as [string, string, string];
      where = { container, name: kind === 'webtask' ? name : undefined };
    } catch {
      return undefined;
    }
    bounded(state.places, id, where);
  }
  return where;
}
