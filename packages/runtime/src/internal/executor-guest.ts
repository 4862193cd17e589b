import { format } from 'node:util';
import type { WebtaskStorage } from '../create-storage.ts';
import { compile } from '../compile.ts';
import { createLru } from './cache.ts';
import type { ExecutorJob, GuestMessage, HostMessage, JobResult, JobWebtask, StorageOperation, StorageReply } from './executor-types.ts';
import { createProxyHandle } from './executor-storage.ts';
import { LightRequest } from './light-request.ts';
import { LightResponse } from './light-response.ts';
import { runWebtask } from './pipeline.ts';
import { answerCompileError } from './pipeline-compile.ts';
import type { AnyWebtaskFunction, Logger } from './pipeline-types.ts';

/** What a guest needs from where it runs: storage handles on the job's document, and a logger. */
export interface GuestEnvironment {
  storage(job: Omit<ExecutorJob, 'storage'>): WebtaskStorage;
  logger: Logger;
}

// `module.webtask` per webtask id, reused so that compile()'s cache (which keys an explicit
// webtaskApi by identity) compiles each webtask once per guest.
const apis = createLru<object>(1000);

/**
 * Run one job through the single pipeline, with the light request and response `simulate()`
 * uses: the very code path of every executor, in this process, a worker or a child.
 */
export function runJob(job: Omit<ExecutorJob, 'storage'>, environment: GuestEnvironment): Promise<JobResult> {
  const { webtask, request } = job;
  const settings = { ...webtask.settings, document: undefined, storage: environment.storage(job), logger: environment.logger };
  return new Promise((resolve) => {
    const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
    const res = new LightResponse(({ statusCode, headers, payload }) => resolve({ statusCode, headers, body: Buffer.from(payload) }));
    compiled(webtask, environment, job).then(
      (fn) => runWebtask(fn, req, res, settings),
      (error: unknown) => answerCompileError(res, error),
    );
  });
}

// The compiled function of each webtask this guest has run. A request would otherwise pay for
// compile()'s cache key (a hash over the code and settings) every time. A webtask's id names its
// settings and code; a changed code under the same id (a new version) compiles again.
const functions = new Map<string, { code: string; fn: Promise<AnyWebtaskFunction> }>();

function compiled(webtask: JobWebtask, environment: GuestEnvironment, job: Omit<ExecutorJob, 'storage'>): Promise<AnyWebtaskFunction> {
  const known = functions.get(webtask.id);
  if (known !== undefined && known.code === webtask.code) return known.fn;
  const { meta, params, secrets } = webtask.settings;
  let api = apis.get(webtask.id);
  if (!api) apis.set(webtask.id, (api = { storage: environment.storage(job), meta, params, secrets }));
  const options = { ...webtask.options, meta, params, secrets, logger: environment.logger, webtaskApi: api };
  const fn = compile(webtask.code, options) as Promise<unknown> as Promise<AnyWebtaskFunction>;
  functions.set(webtask.id, { code: webtask.code, fn });
  // A failed compile is not remembered: the next request tries again, as compile()'s cache does.
  fn.catch(() => {
    if (functions.get(webtask.id)?.fn === fn) functions.delete(webtask.id);
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
  const request = (operation: StorageOperation, cb: (reply: StorageReply) => void): void => {
    const sid = nextSid++;
    waiting.set(sid, cb);
    channel.send({ type: 'storage', sid, operation });
  };
  const environment: GuestEnvironment = {
    storage: () => createProxyHandle(request),
    logger: forwardingLogger(channel),
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
    runJob(message.job, environment).then(({ statusCode, headers, body }) =>
      channel.send({ type: 'result', id: message.id, statusCode, headers, payload: body.toString() }),
    );
  });
  channel.send({ type: 'ready' });
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
