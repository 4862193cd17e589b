import { parse as parseQuerystring } from 'node:querystring';
import { settleHook } from '@ext-compilers/core';
import { createContext, type WebtaskContext } from '../create-context.ts';
import type { AnyWebtaskFunction, PipelineRequest, PipelineResponse, PipelineSettings } from './types.ts';
import { type Deadline, type DeadlineList, deadlineLists } from './deadlines.ts';
import { type RequestTiming, serverTimingHeader } from './timing.ts';
import { readRequestBody } from '../request/body.ts';
import { isPlainObject } from '../request/plain-object.ts';
import { requestId } from '../request/id.ts';
import { callbackErrorAnswer, type ErrorAnswer, serializationAnswer, thrownAnswer, timeoutAnswer } from '../answers/answers.ts';
import { createHandle } from '../storage/handle.ts';

type Callback = (error?: unknown, data?: unknown) => void;

/** One request's state: answered once, whatever the webtask, its time limit or a failure does. */
interface Run extends Deadline {
  done: boolean;
  /** When the webtask function was called. */
  invoked: number | undefined;
  res: PipelineResponse;
  settings: PipelineSettings;
  /** The time limit's list, while the run is in it. */
  limits: DeadlineList<Run> | undefined;
}

/**
 * Run a webtask function for one request: the single pipeline behind `simulate()` and
 * `createServer()`. Reads and parses the body per `pb` (true arity semantics), builds the
 * context, calls the function in its shape, and answers exactly once. `reqId` (an executor job's
 * `request.id`) is `ctx.id` and `req.x_wt.req_id`; one is generated when missing.
 */
export function runWebtask(
  fn: AnyWebtaskFunction,
  req: PipelineRequest,
  res: PipelineResponse,
  settings: PipelineSettings,
  reqId: string = requestId(),
  timing?: RequestTiming,
): void {
  if (shortcut(req, res, settings)) return;
  const run: Run = { done: false, invoked: undefined, res, settings, limits: undefined, due: 0, prev: undefined, next: undefined, listed: false };
  if (timing) measure(res, run, timing, settings.serverTiming);
  const started = performance.now();
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  const query = mark === -1 ? {} : { ...parseQuerystring(url.slice(mark + 1)) };
  req.query = query;
  const parseBody = flag(query.webtask_pb) ? 1 : settings.parseBody;
  const mergeBody = flag(query.webtask_mb) || settings.mergeBody;
  req.x_wt = { container: settings.container, req_id: reqId, url_format: 3, pb: parseBody, mb: mergeBody ? 1 : 0, token: settings.token };
  const context = (body?: string): WebtaskContext =>
    createContext({
      query,
      secrets: settings.secrets,
      params: settings.params,
      meta: settings.meta,
      headers: req.headers,
      body,
      mergeBody,
      reqId,
      token: settings.token,
      storage: settings.document ? createHandle(settings.document) : (settings.storageFor?.() ?? settings.storage),
    });
  // pb=2 leaves the stream of a 3-ary function unread (webtask-runtime reads it whenever pb is set).
  if (parseBody === 0 || (parseBody === 2 && fn.length === 3)) {
    invoke(fn, req, res, context(), run, settings);
  } else {
    readRequestBody(req, settings.maxBodySize, (failure, raw) => {
      if (failure) return answerWith(res, run, failure);
      invoke(fn, req, res, context(raw), run, settings);
    });
  }
  arm(fn, run, started);
}

/**
 * The time limit, counted from the request's start, armed only once the synchronous part is over
 * and the webtask has not answered yet: a webtask that answers at once (most hooks, under
 * `simulate()`) costs nothing. Runs wait in the deadline list of their duration (one timer for all).
 */
function arm(fn: AnyWebtaskFunction, run: Run, started: number): void {
  const { res, settings } = run;
  if (run.done || res.writableEnded || !(settings.timeout > 0 && Number.isFinite(settings.timeout))) return;
  // A 3-ary function answers on its own: its response's end is the request's.
  if (fn.length === 3) res.on('close', () => finish(run));
  run.limits = timeLimits(settings.timeout);
  run.limits.add(run, started);
}

const timeLimits = deadlineLists<Run>((run) => {
  const { res, settings } = run;
  if (run.done || res.writableEnded) return;
  report(settings, `Webtask timed out after ${settings.timeout} ms`);
  if (res.headersSent) return void (res.destroy ? res.destroy() : res.end());
  answerWith(res, run, timeoutAnswer(settings.meta, settings.timeout));
});

/**
 * The user code's time ends when the response's head is written (whoever writes it: the
 * pipeline, a compiler, the user's own 3-ary code); the `Server-Timing` header goes out with it,
 * in the head's own headers object when it is given one (a header set before `writeHead` takes
 * Node's slower path of merging the two).
 */
function measure(res: PipelineResponse, run: Run, timing: RequestTiming, header: boolean): void {
  // One shared function and the request's state on the response (not a new closure per request:
  // V8 then sees the same method on every response).
  (res as Timed)[TIMED] = { run, timing, header, writeHead: res.writeHead };
  res.writeHead = timedWriteHead;
}

const TIMED = Symbol('ext-compilers.timed');
type Timed = PipelineResponse & { [TIMED]: { run: Run; timing: RequestTiming; header: boolean; writeHead: PipelineResponse['writeHead'] } };

function timedWriteHead(this: PipelineResponse, ...args: unknown[]): unknown {
  const { run, timing, header, writeHead } = (this as Timed)[TIMED];
  if (timing.user === undefined) {
    timing.user = run.invoked === undefined ? 0 : performance.now() - run.invoked;
    if (header && !this.headersSent) {
      const last = args.length - 1;
      const headers = args[last];
      // The webtask's own Server-Timing, if it gave one, wins (as it did over a header set before).
      if (last > 0 && isPlainObject(headers)) {
        if (!('server-timing' in headers)) args[last] = { 'Server-Timing': serverTimingHeader(timing), ...headers };
      } else this.setHeader?.('Server-Timing', serverTimingHeader(timing));
    }
  }
  return (writeHead as (...a: unknown[]) => unknown).apply(this, args);
}

function invoke(fn: AnyWebtaskFunction, req: PipelineRequest, res: PipelineResponse, ctx: WebtaskContext, run: Run, settings: PipelineSettings): void {
  if (run.done) return;
  run.invoked = performance.now();
  if (fn.length === 3) {
    try {
      const returned = (fn as (c: unknown, q: unknown, s: unknown) => unknown)(ctx, req, res) as { then?: unknown } | undefined;
      // An async 3-ary function answers through res; its rejection is a throw.
      if (typeof returned?.then === 'function') (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => thrown(res, run, settings, error));
    } catch (error) {
      thrown(res, run, settings, error);
    }
    return;
  }
  const cb: Callback = (error, data) => {
    if (run.done) return; // a second callback: the first one answered
    if (error) return answerWith(res, run, callbackErrorAnswer(error));
    let body: string;
    try {
      body = data ? (JSON.stringify(data) ?? '{}') : '{}';
    } catch (serializeError) {
      return answerWith(res, run, serializationAnswer(serializeError));
    }
    answer(res, run, 200, body);
  };
  try {
    // A promise completes the webtask as its callback would; an `async (ctx)` function gets the
    // context (a plain 1-ary function is the `(cb)` shape).
    const withContext = fn.length === 2 || Object.prototype.toString.call(fn) === '[object AsyncFunction]';
    const returned = withContext ? (fn as (c: unknown, cb: Callback) => unknown)(ctx, cb) : (fn as (cb: Callback) => unknown)(cb);
    if (returned !== undefined) settleHook(returned, cb, fn.length > (withContext ? 1 : 0));
  } catch (error) {
    thrown(res, run, settings, error);
  }
}

// webtask-runtime answers 500 and then rethrows, which ends the process; we answer and keep
// serving. After a head the webtask wrote, the answer is only ended (see writeAnswer).
function thrown(res: PipelineResponse, run: Run, settings: PipelineSettings, error: unknown): void {
  report(settings, 'Webtask threw synchronously:', error);
  if (run.done || res.writableEnded) return;
  answerWith(res, run, thrownAnswer(error));
}

/** Answer once, in JSON: a string body is already JSON (a webtask's serialized result). */
function answer(res: PipelineResponse, run: Run, statusCode: number, body: unknown): void {
  finish(run);
  writeAnswer(res, statusCode, body);
}

function answerWith(res: PipelineResponse, run: Run, { statusCode, body }: ErrorAnswer): void {
  answer(res, run, statusCode, body);
}

/**
 * Write a JSON answer unless the response is already over; after a head, only end it. The
 * webtask may have replaced the response's methods (a middleware's wrapper of `res.end`): when
 * those throw — often the very throw being answered — or do not end the response, the answer is
 * written again with the response's own methods, so that it goes out rather than escape the
 * pipeline (a guest's answer would then never come, and its host would answer 504 at its limit).
 */
export function writeAnswer(res: PipelineResponse, statusCode: number, body: unknown): void {
  if (res.writableEnded) return;
  const text = res.headersSent ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  try {
    writeWith(res, res, statusCode, text);
  } catch {}
  writeWith(res, Object.getPrototypeOf(res) as PipelineResponse, statusCode, text);
}

function writeWith(res: PipelineResponse, methods: PipelineResponse, statusCode: number, text: string | undefined): void {
  if (res.writableEnded) return;
  if (!res.headersSent) methods.writeHead.call(res, statusCode, { 'Content-Type': 'application/json' });
  methods.end.call(res, text);
}

function finish(run: Run): void {
  run.done = true;
  run.limits?.remove(run);
}

// CORS preflight and the favicon, answered without running the webtask, as webtask-runtime's handler.
function shortcut(req: PipelineRequest, res: PipelineResponse, settings: PipelineSettings): boolean {
  if (settings.shortcutFavicon && req.url === '/favicon.ico') {
    res.writeHead(404, {});
    res.end();
    return true;
  }
  const method = req.headers['access-control-request-method'];
  if (req.method !== 'OPTIONS' || method === undefined) return false;
  const headers: Record<string, string> = {
    'access-control-allow-methods': String(method),
    'access-control-allow-credentials': 'true',
    'access-control-max-age': '60000',
  };
  if (req.headers.origin !== undefined) headers['access-control-allow-origin'] = String(req.headers.origin);
  const requested = req.headers['access-control-request-headers'];
  if (requested !== undefined) headers['access-control-allow-headers'] = String(requested);
  res.writeHead(200, headers);
  res.end();
  return true;
}

function flag(value: unknown): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

function report(settings: PipelineSettings, message: string, error?: unknown): void {
  if (error === undefined) settings.logger.error(message);
  else settings.logger.error(message, error);
}
