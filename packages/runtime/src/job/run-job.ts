import type { IncomingMessage, ServerResponse } from 'node:http';
import { createModuleStore, type ModuleStore } from '@ext-compilers/modules';
import type { WebtaskStorage } from '../create-storage.ts';
import { compile } from '../compile.ts';
import { createLru } from '../compile/cache.ts';
import type { ExecutorJob, JobRequest, JobResult, JobWebtask, LogSink, ServeJob } from '../executor/types.ts';
import { GUEST_WEBTASKS } from '../executor/pool.ts';
import { inJobScope, unscoped } from './logs.ts';
import { LightRequest } from '../request/light-request.ts';
import { LightResponse } from '../request/light-response.ts';
import { runWebtask } from './run-webtask.ts';
import { answerCompileError } from './compiled.ts';
import type { AnyWebtaskFunction, Logger, PipelineRequest, PipelineResponse, PipelineSettings } from './types.ts';
import type { StorageDocument } from '../storage/document.ts';
import { requestId } from '../request/id.ts';
import { type RequestTiming, requestTiming } from './timing.ts';

/**
 * What a guest needs from where it runs: storage handles on the job's document, a logger, and —
 * when someone listens — where the console lines of its jobs go.
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

/** A webtask this process has been given, with what it compiled to and its `module.webtask`. */
export interface Known {
  webtask: JobWebtask;
  fn: Promise<AnyWebtaskFunction> | undefined;
  /** What `fn` resolved to, once it did: later requests start at once, without a turn through the promise. */
  ready?: AnyWebtaskFunction | undefined;
  // Reused so that compile()'s cache (which keys an explicit webtaskApi by identity) is not defeated.
  api: object | undefined;
  /** Its pipeline settings, and what they were made for. */
  settings?: { document: StorageDocument | undefined; logger: Logger; source: GuestEnvironment['storage']; value: PipelineSettings } | undefined;
}

// The webtasks of this process, by id. A request would otherwise pay for compile()'s cache key (a
// hash over the code and settings) every time. A webtask's id names its version; a changed code
// under the same id compiles again.
const webtasks = createLru<Known>(GUEST_WEBTASKS);

/** The webtask this process holds under `id`, if it still does (counts as a use). */
export function knownWebtask(id: string): Known | undefined {
  return webtasks.get(id);
}

/** The entry of a webtask given whole, keeping what it compiled to when its code is unchanged. */
export function remember(webtask: JobWebtask): Known {
  const known = webtasks.get(webtask.id);
  if (known?.webtask === webtask) return known;
  const entry: Known = known?.webtask.code === webtask.code ? { ...known, webtask, settings: undefined } : { webtask, fn: undefined, ready: undefined, api: undefined };
  webtasks.set(webtask.id, entry);
  return entry;
}

/**
 * Run one job through the single pipeline, with the light request and response `simulate()`
 * uses: the very code path of every executor, in this process, a worker or a child.
 */
export function runJob(job: Omit<ExecutorJob, 'storage'>, environment: GuestEnvironment): Promise<JobResult> {
  return runKnown(remember(job.webtask), job.request, environment).then((result) => ({ ...result, body: typeof result.body === 'string' ? Buffer.from(result.body) : result.body }));
}

/** A job's answer as the light response ended: a body written only as strings stays a string. */
export interface GuestResult extends Omit<JobResult, 'body'> {
  body: string | Buffer;
}

/** Run a request of a webtask this process already holds. */
export function runKnown(entry: Known, request: JobRequest, environment: GuestEnvironment): Promise<GuestResult> {
  const id = request.id ?? requestId();
  return scoped(entry, id, environment, (known, env) =>
    new Promise((resolve) => {
      const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
      const timing = { current: undefined as RequestTiming | undefined };
      const res = new LightResponse(({ statusCode, headers, body }) =>
        resolve({ statusCode, headers, body, requestId: id, timing: finished(timing.current) }),
      );
      start(known, req, res, id, env, timing);
    }),
  );
}

/**
 * Answer a request on Node's own request and response, in this process: the body streamed by the
 * pipeline, nothing buffered or copied. Resolves with the timing once the response is finished.
 */
export function serveJob(job: ServeJob, req: IncomingMessage, res: ServerResponse, environment: GuestEnvironment): Promise<{ requestId: string; timing: JobResult['timing'] }> {
  const id = job.id ?? requestId();
  if (job.url !== undefined) req.url = job.url;
  return scoped(remember(job.webtask), id, environment, (known, env) =>
    new Promise((resolve) => {
      const timing = { current: undefined as RequestTiming | undefined };
      const done = (): void => resolve({ requestId: id, timing: finished(timing.current) });
      if (res.writableFinished) return done();
      res.once('close', done);
      start(known, req as unknown as PipelineRequest, res as unknown as PipelineResponse, id, env, timing);
    }),
  );
}

function start(known: Known, req: PipelineRequest, res: PipelineResponse, id: string, environment: GuestEnvironment, timing: { current: RequestTiming | undefined }): void {
  const settings = settingsOf(known, environment);
  if (known.ready) return runWebtask(known.ready, req, res, settings, id, (timing.current = requestTiming(known.ready, false)));
  const waited = known.fn === undefined;
  compiled(known, environment).then(
    (fn) => runWebtask(fn, req, res, settings, id, (timing.current = requestTiming(fn, waited))),
    (error: unknown) => answerCompileError(res, error),
  );
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
function scoped<T>(known: Known, id: string, environment: GuestEnvironment, work: (known: Known, environment: GuestEnvironment) => Promise<T>): Promise<T> {
  const { onLog } = environment;
  if (!onLog) return unscoped(() => work(known, environment));
  return inJobScope({ webtask: known.webtask.id, requestId: id, onLog }, () => work(known, environment));
}

function finished(timing: RequestTiming | undefined): JobResult['timing'] {
  return timing && { compile: timing.compile, modules: timing.modules, user: timing.user ?? 0 };
}

// One store per root in this process: its memo of what is installed is shared by every webtask.
const moduleStores = new Map<string, ModuleStore>();

function moduleStore(root: string): ModuleStore {
  let store = moduleStores.get(root);
  if (!store) moduleStores.set(root, (store = createModuleStore({ root })));
  return store;
}

function compiled(known: Known, environment: GuestEnvironment): Promise<AnyWebtaskFunction> {
  if (known.fn) return known.fn;
  const { webtask } = known;
  const { meta, params, secrets } = webtask.settings;
  known.api ??= { storage: environment.storage(webtask), meta, params, secrets };
  const { modulesRoot, ...rest } = webtask.options;
  const modules = modulesRoot === undefined ? undefined : moduleStore(modulesRoot);
  const options = { ...rest, modules, meta, params, secrets, logger: environment.logger, webtaskApi: known.api };
  const fn = compile(webtask.code, options) as Promise<unknown> as Promise<AnyWebtaskFunction>;
  known.fn = fn;
  fn.then(
    (value) => {
      if (known.fn === fn) known.ready = value;
    },
    // A failed compile is not remembered: the next request tries again, as compile()'s cache does.
    () => {
      if (known.fn === fn) known.fn = undefined;
    },
  );
  return fn;
}

