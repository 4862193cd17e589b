import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModuleStore } from '@ext-compilers/modules';
import { mayUseNpm } from '../compile/use-npm.ts';
import type { WebtaskStorage } from '../create-storage.ts';
import { compile } from '../compile.ts';
import { createLru } from '../compile/cache.ts';
import { type CompiledWebtask, compiledWebtask } from '../job/compiled.ts';
import { inJobScope, unscoped } from '../job/logs.ts';
import { type RunResult, runRequest, serveRequest } from '../job/run-job.ts';
import type { Logger } from '@ext-compilers/core';
import type { AnyWebtaskFunction, PipelineRequest, PipelineResponse, PipelineSettings } from '../job/types.ts';
import { requestId } from '../request/id.ts';
import type { StorageDocument } from '../storage/document.ts';
import type { ExecutorJob, JobRequest, JobResult, JobWebtask, LogSink, ServeJob } from './types.ts';

/** Webtasks an executor remembers (code, settings, compiled function), least recently used first out. */
export const EXECUTOR_WEBTASKS = 1000;

/**
 * What an executor's webtasks need from where they run: storage handles on the job's document, a
 * logger, and — when someone listens — where the console lines of its jobs go.
 */
export interface GuestEnvironment {
  storage(webtask: JobWebtask): WebtaskStorage;
  /**
   * In this process: the job's storage document, when it has one. The pipeline then gives each
   * request its own handle on it (as createServer does), and the settings of a webtask are made
   * once per document, not per request.
   */
  document?: StorageDocument | undefined;
  logger: Logger;
  onLog?: LogSink | undefined;
}

/** A webtask an executor has been given: its compile, its `module.webtask`, its pipeline settings. */
export interface Known {
  webtask: JobWebtask;
  compiled: CompiledWebtask;
  /** `module.webtask` and the logger of its compile, fixed by the first request. */
  api: object | undefined;
  logger: Logger | undefined;
  /** Its pipeline settings, and what they were made for. */
  settings?: { document: StorageDocument | undefined; logger: Logger; source: GuestEnvironment['storage']; value: PipelineSettings } | undefined;
}

/**
 * The one cache of compiled webtasks of an executor (in this process, or in each of a pool's
 * guests), keyed by `JobWebtask.id` — the stored version. A changed code under the same id
 * compiles again; changed settings under the same id and code keep the compiled function.
 */
export interface WebtaskCache {
  /** The webtask held under `id`, if it still is (counts as a use). */
  known(id: string): Known | undefined;
  /** The entry of a webtask given whole. */
  remember(webtask: JobWebtask): Known;
}

export function createWebtaskCache(max: number = EXECUTOR_WEBTASKS): WebtaskCache {
  const webtasks = createLru<Known>(max);
  return {
    known: (id) => webtasks.get(id),
    remember(webtask) {
      const known = webtasks.get(webtask.id);
      if (known?.webtask === webtask) return known;
      if (known?.webtask.code === webtask.code) {
        // The same version given anew (a host re-sends what it no longer counts as known): the
        // entry keeps its compile, and its settings are made again from the new object.
        known.webtask = webtask;
        known.settings = undefined;
        return known;
      }
      const entry = newEntry(webtask);
      webtasks.set(webtask.id, entry);
      return entry;
    },
  };
}

function newEntry(webtask: JobWebtask): Known {
  const entry: Known = { webtask, compiled: compiledWebtask(() => compileJob(entry)), api: undefined, logger: undefined };
  return entry;
}

/** Run one job on light objects (the in-process executor's `run`): a string body becomes a Buffer. */
export function runJob(cache: WebtaskCache, job: Omit<ExecutorJob, 'storage'>, environment: GuestEnvironment): Promise<JobResult> {
  return runKnown(cache.remember(job.webtask), job.request, environment).then((result) => ({ ...result, body: typeof result.body === 'string' ? Buffer.from(result.body) : result.body }));
}

/** Run a request of a webtask the executor already holds (a guest's jobs). */
export function runKnown(known: Known, request: JobRequest, environment: GuestEnvironment): Promise<RunResult> {
  const id = request.id ?? requestId();
  return scoped(known, id, environment, () => runRequest(prepared(known, environment), request, settingsOf(known, environment), true, id));
}

/** Answer a request on Node's own request and response, in this process (the in-process executor's `serve`). */
export function serveJob(cache: WebtaskCache, job: ServeJob, req: IncomingMessage, res: ServerResponse, environment: GuestEnvironment): Promise<{ requestId: string; timing: JobResult['timing'] }> {
  const id = job.id ?? requestId();
  if (job.url !== undefined) req.url = job.url;
  const known = cache.remember(job.webtask);
  return scoped(known, id, environment, () =>
    serveRequest(prepared(known, environment), req as unknown as PipelineRequest, res as unknown as PipelineResponse & ServerResponse, settingsOf(known, environment), id),
  );
}

/** The compiled entry, with what its compile needs fixed by the first request that needs it. */
function prepared(known: Known, environment: GuestEnvironment): CompiledWebtask {
  if (known.compiled.ready) return known.compiled;
  const { meta, params, secrets } = known.webtask.settings;
  // Reused so that one webtask keeps one `module.webtask` whatever request compiles it.
  known.api ??= { storage: environment.storage(known.webtask), meta, params, secrets };
  known.logger ??= environment.logger;
  return known.compiled;
}

/**
 * A webtask's pipeline settings, made once and kept while the storage they point at and the
 * logger stay the same (a fresh settings object per request costs the pipeline far more than its
 * copy: measured, half the throughput). Each request still gets its own storage handle: on the
 * job's document in this process, else from the environment (a guest's proxy to the host).
 */
function settingsOf(known: Known, environment: GuestEnvironment): PipelineSettings {
  const { document, logger, storage } = environment;
  const cached = known.settings;
  // With a document the settings hold it; without one, the environment's way to make handles.
  if (cached && cached.document === document && cached.logger === logger && (document !== undefined || cached.source === storage)) return cached.value;
  const { webtask } = known;
  const value: PipelineSettings =
    document === undefined
      ? { ...webtask.settings, document: undefined, storage: undefined, storageFor: () => storage(webtask), logger }
      : { ...webtask.settings, document, storage: undefined, logger };
  known.settings = { document, logger, source: storage, value };
  return value;
}

// Compile and invocation run in the job's scope only when someone listens: no scope, no cost.
function scoped<T>(known: Known, id: string, environment: GuestEnvironment, work: () => Promise<T>): Promise<T> {
  const { onLog } = environment;
  if (!onLog) return unscoped(work);
  return inJobScope({ webtask: known.webtask.id, requestId: id, onLog }, work);
}

// One store per root in this process: its memo of what is installed is shared by every webtask.
const moduleStores = new Map<string, Promise<ModuleStore>>();

/** The module store at `root`, one per root in this process (the modules package loaded with the first). */
export function moduleStore(root: string): Promise<ModuleStore> {
  let store = moduleStores.get(root);
  if (!store) moduleStores.set(root, (store = import('@ext-compilers/modules').then(({ createModuleStore }) => createModuleStore({ root }))));
  return store;
}

/**
 * Compile a job's webtask. The executor's cache above is the only one: compile()'s own
 * process-wide cache is skipped (its key holds `module.webtask` by identity, unique to this entry,
 * so it could never hit and would only hold a second reference). The module store is opened only
 * for code that may use npm (the only code that needs it).
 */
async function compileJob(known: Known): Promise<AnyWebtaskFunction> {
  const { webtask } = known;
  const { meta, params, secrets } = webtask.settings;
  const { modulesRoot, ...rest } = webtask.options;
  const modules = modulesRoot === undefined || !mayUseNpm(webtask.code) ? undefined : await moduleStore(modulesRoot);
  const options = { ...rest, cache: false as const, modules, meta, params, secrets, logger: known.logger, webtaskApi: known.api };
  return compile(webtask.code, options) as Promise<unknown> as Promise<AnyWebtaskFunction>;
}
