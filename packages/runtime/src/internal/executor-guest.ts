import { format } from 'node:util';
import type { WebtaskStorage } from '../create-storage.ts';
import { compile } from '../compile.ts';
import { createLru } from './cache.ts';
import type { ExecutorJob, GuestMessage, HostMessage, JobRequest, JobResult, JobWebtask, StorageReply } from './executor-types.ts';
import { GUEST_WEBTASKS } from './pool.ts';
import { createProxyHandle } from './executor-storage.ts';
import { LightRequest } from './light-request.ts';
import { LightResponse } from './light-response.ts';
import { runWebtask } from './pipeline.ts';
import { answerCompileError } from './pipeline-compile.ts';
import type { AnyWebtaskFunction, Logger } from './pipeline-types.ts';

/** What a guest needs from where it runs: storage handles on the job's document, and a logger. */
export interface GuestEnvironment {
  storage(webtask: JobWebtask): WebtaskStorage;
  logger: Logger;
}

/** A webtask this process has been given, with what it compiled to and its `module.webtask`. */
interface Known {
  webtask: JobWebtask;
  fn: Promise<AnyWebtaskFunction> | undefined;
  // Reused so that compile()'s cache (which keys an explicit webtaskApi by identity) is not defeated.
  api: object | undefined;
}

// The webtasks of this process, by id. A request would otherwise pay for compile()'s cache key (a
// hash over the code and settings) every time. A webtask's id names its version; a changed code
// under the same id compiles again.
const webtasks = createLru<Known>(GUEST_WEBTASKS);

/** The entry of a webtask given whole, keeping what it compiled to when its code is unchanged. */
function remember(webtask: JobWebtask): Known {
  const known = webtasks.get(webtask.id);
  if (known?.webtask === webtask) return known;
  const entry: Known = known?.webtask.code === webtask.code ? { ...known, webtask } : { webtask, fn: undefined, api: undefined };
  webtasks.set(webtask.id, entry);
  return entry;
}

/**
 * Run one job through the single pipeline, with the light request and response `simulate()`
 * uses: the very code path of every executor, in this process, a worker or a child.
 */
export function runJob(job: Omit<ExecutorJob, 'storage'>, environment: GuestEnvironment): Promise<JobResult> {
  return run(remember(job.webtask), job.request, environment);
}

function run(known: Known, request: JobRequest, environment: GuestEnvironment): Promise<JobResult> {
  const { webtask } = known;
  const settings = { ...webtask.settings, document: undefined, storage: environment.storage(webtask), logger: environment.logger };
  return new Promise((resolve) => {
    const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
    const res = new LightResponse(({ statusCode, headers, body }) => resolve({ statusCode, headers, body: typeof body === 'string' ? Buffer.from(body) : body }));
    compiled(known, environment).then(
      (fn) => runWebtask(fn, req, res, settings),
      (error: unknown) => answerCompileError(res, error),
    );
  });
}

function compiled(known: Known, environment: GuestEnvironment): Promise<AnyWebtaskFunction> {
  if (known.fn) return known.fn;
  const { webtask } = known;
  const { meta, params, secrets } = webtask.settings;
  known.api ??= { storage: environment.storage(webtask), meta, params, secrets };
  const options = { ...webtask.options, meta, params, secrets, logger: environment.logger, webtaskApi: known.api };
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
  onMessage(listener: (message: HostMessage) => void): void;
}

/**
 * Serve jobs from the host, one at a time. Storage is proxied to the host (the document is
 * shared by every worker); an asynchronous throw or an unhandled rejection of user code is
 * reported as a fault, and the host answers the request and replaces this guest.
 */
export function serveGuest(channel: GuestChannel): void {
  const waiting = new Map<number, (reply: StorageReply) => void>();
  let nextSid = 1;
  const environment: GuestEnvironment = {
    storage: (webtask) =>
      createProxyHandle((operation, cb) => {
        const sid = nextSid++;
        waiting.set(sid, cb);
        channel.send({ type: 'storage', sid, webtask: webtask.id, operation });
      }),
    logger: forwardingLogger(channel),
  };
  // Jobs run one at a time, in the order they came: those behind the running one have not
  // started, so the host can give them to another guest if this one fails.
  const jobs: { id: number; known: Known | undefined; request: JobRequest }[] = [];
  let running = false;
  const next = (): void => {
    const job = jobs.shift();
    if (!job) return void (running = false);
    running = true;
    const result = job.known ? run(job.known, job.request, environment) : Promise.resolve(unknownWebtask());
    result.then(({ statusCode, headers, body }) => {
      channel.send({ type: 'result', id: job.id, statusCode, headers, body });
      next();
    });
  };
  const fault = (error: unknown): void => channel.send({ type: 'fault', message: describe(error) });
  process.on('uncaughtException', fault);
  process.on('unhandledRejection', fault);
  channel.onMessage((message) => {
    if (message.type === 'storage') {
      const cb = waiting.get(message.sid);
      waiting.delete(message.sid);
      return cb?.(message.reply);
    }
    // Looked up as it arrives, in the host's order: the host's count of what this guest knows relies on it.
    const known = typeof message.webtask === 'string' ? webtasks.get(message.webtask) : remember(message.webtask);
    jobs.push({ id: message.id, known, request: message.request });
    if (!running) next();
  });
  channel.send({ type: 'ready' });
}

// The host sent a webtask by id that this guest no longer holds: a broken invariant, answered, never guessed at.
function unknownWebtask(): JobResult {
  const body = { code: 500, error: 'Executor protocol error.', message: 'The guest does not hold the webtask it was asked to run.' };
  return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}

function forwardingLogger(channel: GuestChannel): Logger {
  const forward = (level: 'info' | 'warn' | 'error') => (...args: unknown[]) => channel.send({ type: 'log', level, text: format(...args) });
  return { info: forward('info'), warn: forward('warn'), error: forward('error') };
}

function describe(error: unknown): string {
  try {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return message === undefined ? String(error) : `${String(name ?? 'Error')}: ${String(message)}`;
  } catch {
    return 'Unknown error';
  }
}
