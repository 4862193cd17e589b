import { createHash } from 'node:crypto';
import { createJobWebtask, createStorage, type JobWebtask, type WebtaskStorage } from '@ext-compilers/runtime';
import type { WebtaskRecord, WebtaskStore } from '../store/webtask-store.ts';
import { fetchCode } from './fetch-code.ts';
import { HttpError } from '../http/http-error.ts';

/** What runs a webtask: where its code, its settings and its storage come from, cached per version. */
export interface WebtaskSettings {
  readonly timeout: number;
  readonly maxBodySize: number;
  /** The module store's root, for `'use npm'` where the webtask runs. */
  readonly modulesRoot: string | undefined;
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
  adhoc(container: string, code: string, settings: { params: Record<string, string>; secrets: Record<string, string>; pb?: 0 | 1 | 2 | undefined; mb?: 0 | 1 | undefined }): JobWebtask;
  /** The storage of a named webtask, loaded from the store once and saved back to it on every `set`. */
  storage(container: string, name: string): Promise<WebtaskStorage>;
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

export function createWebtasks(store: WebtaskStore, settings: WebtaskSettings): Webtasks {
  // Each entry keeps its promise and, once it settled, what it made: `ready()` reads the latter.
  const jobs = new Map<string, Making<JobWebtask> & { version: string }>();
  const storages = new Map<string, Making<WebtaskStorage>>();
  const places = new Map<string, { container: string; name: string | undefined }>();
  const key = (container: string, name: string): string => `${container}\u0000${name}`;
  const bounded = <V>(map: Map<string, V>, k: string, value: V): V => {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as string);
    map.set(k, value);
    return value;
  };

  return {
    job(current, decrypted) {
      const k = key(current.container, current.name);
      const known = jobs.get(k);
      if (known?.version === current.version) return known.promise;
      const webtask = decrypted().then(async (record) => {
        if (!record) throw new HttpError(404, `No such webtask: ${current.name}`);
        const code = record.code ?? (await fetchCode(record.url!));
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
      });
      const entry = making(webtask, () => jobs.get(k)?.promise === webtask && jobs.delete(k));
      return bounded(jobs, k, Object.assign(entry, { version: current.version })).promise;
    },
    ready(current) {
      const k = key(current.container, current.name);
      const job = jobs.get(k);
      const webtask = job?.version === current.version ? job.made : undefined;
      const storage = storages.get(k)?.made;
      return webtask && storage ? { webtask, storage } : undefined;
    },
    adhoc(container, code, { params, secrets, pb, mb }) {
      const digest = createHash('sha256').update(JSON.stringify([container, code, params, secrets, pb ?? null, mb ?? null])).digest('hex');
      const id = JSON.stringify(['adhoc', container, digest]);
      const { timeout, maxBodySize, modulesRoot } = settings;
      return createJobWebtask(id, code, { params, secrets, container, parseBody: pb, mergeBody: mb === 1, timeout, maxBodySize, modulesRoot, serverTiming: true });
    },
    storage(container, name) {
      const k = key(container, name);
      const known = storages.get(k);
      if (known) return known.promise;
      const loaded = store.readData(container, name).then((stored) =>
        createStorage({
          initialData: stored?.data ?? undefined,
          save: async (json) => {
            await store.writeData(container, name, json === undefined ? null : JSON.parse(json), { force: true });
          },
        }),
      );
      return bounded(storages, k, making(loaded, () => storages.delete(k))).promise;
    },
    forget(container, name) {
      jobs.delete(key(container, name));
      storages.delete(key(container, name));
    },
    identify(id) {
      let where = places.get(id);
      if (where === undefined) {
        try {
          const [kind, container, name] = JSON.parse(id) as [string, string, string];
          where = { container, name: kind === 'webtask' ? name : undefined };
        } catch {
          return undefined;
        }
        bounded(places, id, where);
      }
      return where;
    },
  };
}
