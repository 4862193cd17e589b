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
  parseBody: 0 | 1 | 2;
  mergeBody: boolean;
  secrets: Record<string, string>;
  meta: Record<string, string>;
  params: Record<string, unknown>;
  maxBodySize: number;
  timeout: number;
  token: string | undefined;
  container: string;
  shortcutFavicon: boolean;
  /** Answer a `Server-Timing` header (compile, module load, user code) when the caller measures the request. */
  serverTiming: boolean;
}

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
