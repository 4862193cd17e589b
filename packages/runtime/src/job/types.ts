import type { Logger } from '@ext-compilers/core';
import type { WebtaskStorage } from '../create-storage.ts';
import type { StorageDocument } from '../storage/document.ts';

/** The request the pipeline handles: Node's `IncomingMessage` or a light request. */
export interface PipelineRequest extends NodeJS.ReadableStream {
  method?: string | undefined;
  url?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  query?: Record<string, unknown>;
  x_wt?: Record<string, unknown>;
}

/** The response the pipeline answers on: Node's `ServerResponse` or a light response. */
export interface PipelineResponse {
  writeHead(statusCode: number, headers?: Record<string, string>): unknown;
  setHeader?(name: string, value: string): unknown;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  headersSent: boolean;
  writableEnded: boolean;
  destroy?: (() => unknown) | undefined;
}


/** A webtask function of any of the three shapes; the pipeline picks the shape by arity. */
export type AnyWebtaskFunction = (...args: never[]) => unknown;

/**
 * How a webtask's requests run, resolved (defaults applied) and plain data: the one settings type
 * of the runtime. Every entry point's options are its input form (`RuntimeOptions`, with the
 * compile's and the sandbox's beside it), and it is what crosses to a guest (`JobSettings`).
 */
export interface RunSettings {
  /** `pb`: 0 never, 1 always, 2 (default) for 1- and 2-ary functions only. */
  parseBody: 0 | 1 | 2;
  /** `mb`: merge the parsed body into `ctx.data`. */
  mergeBody: boolean;
  /** `ctx.secrets` (default `{}`). */
  secrets: Record<string, string>;
  /** `ctx.meta` (default `{}`); `meta['wt-compiler']` picks the compiler. */
  meta: Record<string, string>;
  /** `ctx.params` (default `{}`). */
  params: Record<string, unknown>;
  /** Largest request body read, in bytes (default 1 MiB); over it, HTTP 413. */
  maxBodySize: number;
  /** Per-request time limit in ms (default 20000; 0 for none); over it, HTTP 504. */
  timeout: number;
  /** `ctx.token`. */
  token: string | undefined;
  /** The container name in `req.x_wt` (default `webtask-local`). */
  container: string;
  /** Answer `GET /favicon.ico` with 404 without running the webtask. */
  shortcutFavicon: boolean;
  /**
   * Answer a `Server-Timing` header with the request's compile, module-load and user-code time
   * (default: on for `createServer()`, off for `simulate()`, whose answers stay webtask-runtime's).
   */
  serverTiming: boolean;
}

/** The input form of some settings: every field optional (its default applies), `undefined` allowed. */
export type OptionsOf<T> = { [K in keyof T]?: T[K] | undefined };

/** RunSettings with the live objects of where the requests run: their storage and where faults are reported. */
export interface PipelineSettings extends RunSettings {
  /** The storage document each request gets its own handle on. */
  document: StorageDocument | undefined;
  /** A storage supplied by the caller that is not one of ours: handed to every request as is. */
  storage: WebtaskStorage | undefined;
  /** Each request's own storage, made per request (an executor's guest: a proxy to the host's document). */
  storageFor?: (() => WebtaskStorage) | undefined;
  logger: Logger;
}

/** A request whose body has already been read (up to the size limit) by the host. */
export interface JobRequest {
  /** The request id: `ctx.id`, `req.x_wt.req_id` and `LogEntry.requestId`; generated in the platform's shape when missing. */
  id?: string | undefined;
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | undefined;
}
