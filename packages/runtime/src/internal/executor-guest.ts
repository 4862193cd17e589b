import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { format } from 'node:util';
import { createModuleStore, type ModuleStore } from '@ext-compilers/modules';
import type { WebtaskStorage } from '../create-storage.ts';
import { compile } from '../compile.ts';
import { createLru } from './cache.ts';
import type { ExecutorJob, ServeJob, GuestMessage, HostMessage, JobRequest, JobResult, JobWebtask, LogEntry, LogLevel, LogSink, StorageReply } from './executor-types.ts';
import { GUEST_WEBTASKS } from './pool.ts';
import { createProxyHandle } from './executor-storage.ts';
import { LightRequest } from './light-request.ts';
import { LightResponse } from './light-response.ts';
import { runWebtask } from './pipeline.ts';
import { answerCompileError } from './pipeline-compile.ts';
import type { AnyWebtaskFunction, Logger, PipelineRequest, PipelineResponse, PipelineSettings } from './pipeline-types.ts';
import type { StorageDocument } from './storage-document.ts';
import { requestId } from './request-id.ts';
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

/** The longest `LogEntry.message`, in UTF-16 code units: past it, the message is cut and ends with `…`. */
const MAX_LOG_MESSAGE = 8192;

/** The job whose code is running, and where its lines go. */
interface JobScope {
  webtask: string;
  requestId: string;
  onLog: LogSink;
}

// A job's scope follows its timers and promises, so a line logged after the answer still names
// its webtask and request.
const scopes = new AsyncLocalStorage<JobScope | undefined>();

/** A webtask this process has been given, with what it compiled to and its `module.webtask`. */
interface Known {
  webtask: JobWebtask;
  fn: Promise<AnyWebtaskFunction> | undefined;
  // Reused so that compile()'s cache (which keys an explicit webtaskApi by identity) is not defeated.
  api: object | undefined;
  /** Its pipeline settings, and what they were made for. */
  settings?: { document: StorageDocument | undefined; logger: Logger; source: GuestEnvironment['storage']; value: PipelineSettings } | undefined;
}

// The webtasks of this process, by id. A request would otherwise pay for compile()'s cache key (a
// hash over the code and settings) every time. A webtask's id names its version; a changed code
// under the same id compiles again.
const webtasks = createLru<Known>(GUEST_WEBTASKS);

/** The entry of a webtask given whole, keeping what it compiled to when its code is unchanged. */
function remember(webtask: JobWebtask): Known {
  const known = webtasks.get(webtask.id);
  if (known?.webtask === webtask) return known;
  const entry: Known = known?.webtask.code === webtask.code ? { ...known, webtask, settings: undefined } : { webtask, fn: undefined, api: undefined };
  webtasks.set(webtask.id, entry);
  return entry;
}

/**
 * Run one job through the single pipeline, with the light request and response `simulate()`
 * uses: the very code path of every executor, in this process, a worker or a child.
 */
export function runJob(job: Omit<ExecutorJob, 'storage'>, environment: GuestEnvironment): Promise<JobResult> {
  return runKnown(remember(job.webtask), job.request, environment);
}

function runKnown(entry: Known, request: JobRequest, environment: GuestEnvironment): Promise<JobResult> {
  const id = request.id ?? requestId();
  return scoped(entry, id, environment, (known, env) =>
    new Promise((resolve) => {
      const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
      const timing = { current: undefined as RequestTiming | undefined };
      const res = new LightResponse(({ statusCode, headers, body }) =>
        resolve({ statusCode, headers, body: typeof body === 'string' ? Buffer.from(body) : body, requestId: id, timing: finished(timing.current) }),
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
  if (!onLog) {
    // Once used, the scopes' hooks cost every promise of the process something: with no scoped
    // job left, they are turned off until a job wants them again.
    if (scopedJobs === 0) scopes.disable();
    return work(known, environment);
  }
  scopedJobs++;
  const result = scopes.run({ webtask: known.webtask.id, requestId: id, onLog }, work, known, environment);
  void result.finally(() => scopedJobs--);
  return result;
}

let scopedJobs = 0;

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
  // A failed compile is not remembered: the next request tries again, as compile()'s cache does.
  fn.catch(() => {
    if (known.fn === fn) known.fn = undefined;
  });
  return fn;
}

/** The two ends a guest can talk through: a worker's `parentPort` or a child's IPC channel. */
export interface GuestChannel {
  send(message: GuestMessage): void;
  /** One message, or several the host sent in one turn, in order. */
  onMessage(listener: (message: HostMessage | HostMessage[]) => void): void;
}

/**
 * Serve jobs from the host, one at a time. Storage is proxied to the host (the document is
 * shared by every worker); an asynchronous throw or an unhandled rejection of user code is
 * reported as a fault, and the host answers the request and replaces this guest. Every console
 * line of this guest goes to the host as a message, attributed to the job it came from.
 */
export function serveGuest(channel: GuestChannel): void {
  const waiting = new Map<number, (reply: StorageReply) => void>();
  let nextSid = 1;
  const onLog: LogSink = ({ level, message, webtask, requestId, time }) => channel.send({ type: 'log', level, text: message, webtask, requestId, time });
  const logger = scopedLogger(onLog);
  patchConsole((level, args) => logger[level](...args));
  const environment: GuestEnvironment = {
    storage: (webtask) =>
      createProxyHandle((operation, cb) => {
        const sid = nextSid++;
        waiting.set(sid, cb);
        channel.send({ type: 'storage', sid, webtask: webtask.id, operation });
      }),
    logger,
    onLog,
  };
  // Jobs run one at a time, in the order they came: those behind the running one have not
  // started, so the host can give them to another guest if this one fails.
  const jobs: { id: number; known: Known | undefined; request: JobRequest; log: boolean }[] = [];
  const unscoped: GuestEnvironment = { ...environment, onLog: undefined };
  let running = false;
  const next = (): void => {
    const job = jobs.shift();
    if (!job) return void (running = false);
    running = true;
    const result = job.known ? runKnown(job.known, job.request, job.log ? environment : unscoped) : Promise.resolve(unknownWebtask());
    result.then(({ statusCode, headers, body, timing, requestId: resultId }) => {
      channel.send({ type: 'result', id: job.id, statusCode, headers, body, timing, requestId: resultId });
      next();
    });
  };
  const fault = (error: unknown): void => channel.send({ type: 'fault', message: describe(error) });
  process.on('uncaughtException', fault);
  process.on('unhandledRejection', fault);
  const receive = (message: HostMessage): void => {
    if (message.type === 'storage') {
      const cb = waiting.get(message.sid);
      waiting.delete(message.sid);
      return cb?.(message.reply);
    }
    // Looked up as it arrives, in the host's order: the host's count of what this guest knows relies on it.
    const known = typeof message.webtask === 'string' ? webtasks.get(message.webtask) : remember(message.webtask);
    jobs.push({ id: message.id, known, request: message.request, log: message.log });
    if (!running) next();
  };
  channel.onMessage((message) => {
    if (!Array.isArray(message)) return receive(message);
    for (const one of message) receive(one);
  });
  channel.send({ type: 'ready' });
}

// The host sent a webtask by id that this guest no longer holds: a broken invariant, answered, never guessed at.
function unknownWebtask(): JobResult {
  const body = { code: 500, error: 'Executor protocol error.', message: 'The guest does not hold the webtask it was asked to run.' };
  return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

/** Deliver a line to the job running now, if any: whether there was one. */
export function logToJob(level: LogLevel, args: unknown[]): boolean {
  const scope = scopes.getStore();
  if (!scope) return false;
  deliver(scope.onLog, logEntry(level, args, scope));
  return true;
}

/** A logger whose lines go to the running job's sink, or to `fallback` outside any job. */
export function scopedLogger(fallback: LogSink): Logger {
  const emit =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      void (logToJob(level, args) || deliver(fallback, logEntry(level, args, undefined)));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

// Outside any scope, it and what it starts: a sink that logs to the console itself must not feed
// its own lines back. (A run with no store rather than exit(), which toggles the async hooks.)
function deliver(sink: LogSink, entry: LogEntry): void {
  scopes.run(undefined, sink, entry);
}

function logEntry(level: LogLevel, args: unknown[], scope: JobScope | undefined): LogEntry {
  const text = format(...args);
  return { time: new Date().toISOString(), level, webtask: scope?.webtask, requestId: scope?.requestId, message: text.length > MAX_LOG_MESSAGE ? cut(text) : text };
}

function cut(text: string): string {
  let end = MAX_LOG_MESSAGE - 1;
  const last = text.charCodeAt(end - 1);
  // Never half a surrogate pair.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const CONSOLE_LEVELS = [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
] as const;

type ConsoleRoute = (level: LogLevel, args: unknown[], original: (...args: unknown[]) => void) => void;

/**
 * Replace console's `log`, `info`, `debug`, `warn` and `error` with `route`. The function returned
 * puts back the originals of the methods still ours (someone may have patched over them since).
 */
export function patchConsole(route: ConsoleRoute): () => void {
  const restores = CONSOLE_LEVELS.map(([method, level]) => {
    const original = console[method];
    const patched = (...args: unknown[]): void => route(level, args, original);
    console[method] = patched;
    return () => {
      if (console[method] === patched) console[method] = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

function describe(error: unknown): string {
  try {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return message === undefined ? String(error) : `${String(name ?? 'Error')}: ${String(message)}`;
  } catch {
    return 'Unknown error';
  }
}
