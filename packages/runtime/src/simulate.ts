import { compiledWebtask, compileForPipeline, type PassedCompileOptions, readyWebtask } from './job/compiled.ts';
import { runRequest } from './job/run-job.ts';
import { type RuntimeOptions, resolveSettings } from './job/settings.ts';
import type { AnyWebtaskFunction, JobRequest } from './job/types.ts';
import { textOf } from './request/light-response.ts';
import { stringify as stringifyQuery } from 'node:querystring';

/** Options of `simulate()`: the request, then the runtime's and compile()'s options. */
export interface SimulateOptions extends RuntimeOptions, PassedCompileOptions {
  /** Default `GET`. */
  method?: string | undefined;
  /** Path and query string; default `/`. */
  url?: string | undefined;
  /** Added to the URL's query string (these win). */
  query?: Record<string, string | number | boolean | readonly string[]> | undefined;
  headers?: Record<string, string | string[] | undefined> | undefined;
  /** The body: a string or Buffer as is; anything else as JSON (with `content-type: application/json` unless set). */
  payload?: unknown;
}

/** What `simulate()` answers (webtask-runtime's shape, lower-case header names). */
export interface SimulateResult {
  statusCode: number;
  headers: Record<string, string | number | string[]>;
  payload: string;
}

/**
 * Run a webtask function, or code compiled with compile(), for one simulated request: no socket,
 * the same pipeline as `createServer()`. Answers `{ statusCode, headers, payload }`; with a
 * callback (webtask-runtime's form) it is called with that instead.
 */
export function simulate(codeOrFunction: string | AnyWebtaskFunction, options?: SimulateOptions): Promise<SimulateResult>;
export function simulate(codeOrFunction: string | AnyWebtaskFunction, cb: (res: SimulateResult) => void): void;
export function simulate(codeOrFunction: string | AnyWebtaskFunction, options: SimulateOptions | undefined, cb: (res: SimulateResult) => void): void;
export function simulate(
  codeOrFunction: string | AnyWebtaskFunction,
  optionsOrCb?: SimulateOptions | ((res: SimulateResult) => void),
  maybeCb?: (res: SimulateResult) => void,
): Promise<SimulateResult> | undefined {
  const cb = typeof optionsOrCb === 'function' ? optionsOrCb : maybeCb;
  const options = typeof optionsOrCb === 'function' ? {} : (optionsOrCb ?? {});
  if (typeof codeOrFunction !== 'function' && typeof codeOrFunction !== 'string') {
    throw new TypeError('simulate: the webtask must be a function, or code that exports or returns one');
  }
  const result = run(codeOrFunction, options);
  if (!cb) return result;
  result.then((res) => queueMicrotask(() => cb(res)));
  return undefined;
}

function run(codeOrFunction: string | AnyWebtaskFunction, options: SimulateOptions): Promise<SimulateResult> {
  const settings = resolveSettings(options);
  const withStorage = options.storage !== undefined || options.initialStorageData !== undefined || options.storageFile !== undefined;
  const entry =
    typeof codeOrFunction === 'function' ? readyWebtask(codeOrFunction) : compiledWebtask(() => compileForPipeline(codeOrFunction, options, settings, withStorage));
  return runRequest(entry, requestOf(options), settings, settings.serverTiming).then(({ statusCode, headers, body }) => ({ statusCode, headers, payload: textOf(body) }));
}

function requestOf(options: SimulateOptions): JobRequest {
  const headers: Record<string, string | string[] | undefined> = { host: 'localhost' };
  for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name];
  const body = payloadOf(options.payload, headers);
  if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
  return { method: (options.method ?? 'GET').toUpperCase(), url: urlOf(options), headers, body };
}

function payloadOf(payload: unknown, headers: Record<string, string | string[] | undefined>): Buffer | undefined {
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload === 'string') return Buffer.from(payload);
  if (Buffer.isBuffer(payload)) return payload;
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(payload));
}

function urlOf(options: SimulateOptions): string {
  const url = options.url ?? '/';
  if (!options.query || Object.keys(options.query).length === 0) return url;
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  const current = new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
  for (const name of Object.keys(options.query)) current.delete(name);
  const existing = current.toString();
  return `${path}?${existing ? `${existing}&` : ''}${stringifyQuery(options.query as Record<string, string>)}`;
}
