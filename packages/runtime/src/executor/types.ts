import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompileOptions } from '../compile.ts';
import type { Logger } from '@ext-compilers/core';
import type { JobRequest, RunSettings } from '../job/types.ts';

export type { JobRequest } from '../job/types.ts';
import type { WebtaskStorage } from '../create-storage.ts';

/** compile()'s options that can cross to a worker or a child process (plain data only), and the module store by its root. */
export type JobCompileOptions = Pick<CompileOptions, 'dirname' | 'filename' | 'extraModulePaths' | 'compilerFetch' | 'compileTimeout'> & {
  /** The root of a module store (`createModuleStore({ root })`) for `'use npm'`, opened where the job runs (a live store cannot cross to a guest). */
  modulesRoot?: string | undefined;
};

/** The run settings of a webtask, as plain data (storage and logger are the executor's). */
export type JobSettings = RunSettings;

/** One webtask: its id (what the guest caches the compiled function by), its code and options. */
export interface JobWebtask {
  id: string;
  code: string;
  options: JobCompileOptions;
  settings: JobSettings;
}


/** One console line of user code, or one report of the pipeline, attributed to the job it came from. */
export interface LogEntry {
  /** When it was logged, ISO 8601. */
  time: string;
  /** `console.log`, `info` and `debug` are `info`; `warn` is `warn`; `error` and the pipeline's reports are `error`. */
  level: 'info' | 'warn' | 'error';
  /** The `JobWebtask.id` of the job that logged it; `undefined` outside any job. */
  webtask: string | undefined;
  /** The request id of that job (`JobRequest.id`, or the one generated for it). */
  requestId: string | undefined;
  /** The arguments formatted with `util.format`, as console does; past 8192 characters, cut to 8191 and `…`. */
  message: string;
  /** Set on the one entry each finished request adds (`message` says the same in words): where its time went, in ms. */
  timing?: { compile: number; modules: number; user: number } | undefined;
}

export type LogLevel = LogEntry['level'];

/** Where log entries go: `ExecutorOptions.onLog`. Called synchronously, outside any job's scope. */
export type LogSink = (entry: LogEntry) => void;

/**
 * What an executor runs: a webtask, a request, and the storage it reads and writes — one from
 * `createStorage()`, kept by the host (a pool's guests reach it through the host); without it, an
 * empty one per request.
 */
export interface ExecutorJob {
  webtask: JobWebtask;
  request: JobRequest;
  storage?: WebtaskStorage | undefined;
}

/** The complete answer to one request. */
export interface JobResult {
  statusCode: number;
  headers: Record<string, string | number | string[]>;
  body: Buffer;
  /** Where the request's time went, in ms (absent for answers no webtask gave: a fault, a 413). */
  timing?: { compile: number; modules: number; user: number } | undefined;
  /** The request id it ran with. */
  requestId?: string | undefined;
}

/** Where webtasks run: the in-process pipeline, a pool of worker threads, or a pool of child processes. */
/** An HTTP request of a webtask, answered on Node's own request and response: see `Executor.serve`. */
export interface ServeJob {
  webtask: JobWebtask;
  storage?: WebtaskStorage | undefined;
  /** The request id (as `JobRequest.id`). */
  id?: string | undefined;
  /** The URL the webtask sees (a server's path after the webtask's name); default `req.url`. */
  url?: string | undefined;
}

export interface Executor {
  run(job: ExecutorJob): Promise<JobResult>;
  /**
   * Answer an HTTP request with a webtask. In-process, on `req` and `res` themselves (the body
   * streamed by the pipeline, nothing buffered); a pool reads the body (up to the webtask's
   * `maxBodySize`, else 413), runs the job and writes its result. Resolves once answered.
   */
  serve(job: ServeJob, req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/** Options of the isolating executors. */
export interface PoolOptions {
  /**
   * Live guests (workers or children) in all, of every container: default twice
   * `os.availableParallelism()`, at least 2, so one runaway never stalls everybody. Idle guests
   * of other containers are stopped, least recently used first, to make room.
   */
  size?: number | undefined;
  /** Wall-clock limit of one request in ms (default 20000; 0 for none): past it the worker is stopped. */
  timeout?: number | undefined;
  /** Heap limit of each worker or child, in MB (default 128). */
  memoryLimit?: number | undefined;
  /**
   * Jobs sent ahead to one worker or child while it runs one (default 16). The guest runs them one
   * at a time, in order; a fault answers the running one and the others go to another guest,
   * never having started. 0: one job per guest at a time.
   */
  prefetch?: number | undefined;
  /** Where user code's reports (a timeout, a synchronous throw) and the pool's faults go. */
  logger?: Logger | undefined;
  /**
   * Guests one container may have at once (default half of `size`, at least 1): a guest serves
   * one container for its whole life, so this is also the container's concurrency.
   */
  containerGuests?: number | undefined;
  /** Jobs of one container waiting for a guest (default 64); past it, 429 with `Retry-After`. */
  containerQueue?: number | undefined;
  /** Largest answer body a guest may send, in bytes (default 6 MiB); past it, 502. */
  maxResponseSize?: number | undefined;
  /** Console lines and bytes one job may log (default 1000 lines, 1 MiB); past it, one "truncated" line. */
  logBudget?: { lines: number; bytes: number } | undefined;
  /** `jail`: what the egress gate admits besides public addresses (`10.0.0.0/8`, `127.0.0.1:8080`, `api.internal:443`). */
  allowEgress?: readonly string[] | undefined;
  /**
   * `jail`: what the egress gate did for a container's guests — bytes sent to and received from
   * remotes (batched, about once a second per connection), or a connection it refused and why.
   */
  onEgress?: ((report: { container: string; sent: number; received: number; refused?: string | undefined }) => void) | undefined;
  /** `jail`: the size of each guest's private `/tmp`, in bytes (default 16 MiB). */
  tmpSize?: number | undefined;
}

/** A storage operation asked by the guest; the host applies it to the job's document. */
export type StorageOperation =
  | { op: 'get' }
  | { op: 'set'; json: string | undefined; expected: string | null | undefined; force: boolean };

/** The host's answer to a storage operation. */
export interface StorageReply {
  json?: string | undefined;
  etag?: string | null | undefined;
  error?: { kind: 'conflict'; json: string | undefined } | { kind: 'too-large'; size: number } | { kind: 'other'; message: string } | undefined;
}

/**
 * Host → guest. A `run` carries the whole webtask the first time a guest sees it; later runs of
 * the same webtask carry only its id (`webtask: string`), the guest remembering the rest.
 */
export type HostMessage =
  | { type: 'run'; id: number; webtask: JobWebtask | string; request: JobRequest; log: boolean }
  | { type: 'storage'; sid: number; reply: StorageReply }
  /** Give job `id` back if it has not started (another guest of the container is free for it). */
  | { type: 'release'; id: number };

/** Guest → host. */
export type GuestMessage =
  | { type: 'ready' }
  /** `recycle`: the job left work behind (timers, sockets) or answered late; the host stops this guest before it serves again. */
  | { type: 'result'; id: number; statusCode: number; headers: Record<string, string | number | string[]>; body: string | Uint8Array; timing: JobResult['timing']; requestId: string | undefined; recycle?: boolean }
  | { type: 'storage'; sid: number; webtask: string; operation: StorageOperation }
  | { type: 'log'; level: LogLevel; text: string; webtask: string | undefined; requestId: string | undefined; time: string }
  | { type: 'fault'; message: string }
  /** Job `id`, asked back, had not started: the guest dropped it and never will run it. */
  | { type: 'released'; id: number };

/**
 * Where user code runs: this process (no isolation), a pool of worker threads, a pool of child
 * processes, or a pool of child processes each jailed by bubblewrap (Linux; see docs/security.md).
 */
export type Sandbox = 'in-process' | 'worker' | 'process' | 'jail';

/** Options of `createExecutor()`. The pool options apply to `worker` and `process`. */
export interface ExecutorOptions extends PoolOptions {
  /** Default `in-process` (no isolation: user code runs in this process). See docs/security.md. */
  sandbox?: Sandbox | undefined;
  /**
   * Receives every console line (`log`, `info`, `debug`, `warn`, `error`) that user code makes
   * while — or because of — running a job, and the pipeline's reports (a timeout, a synchronous
   * throw), attributed to the job's webtask and request. Called synchronously, outside any job;
   * it must not throw. Without it, lines print as they always have.
   */
  onLog?: ((entry: LogEntry) => void) | undefined;
  /**
   * With `onLog`: whether anybody wants the lines of a job of this webtask now (a server with no
   * one streaming its container's logs says no). A job nobody wants is run without attribution —
   * the cost of following its asynchronous work — and adds no timing entry; its lines go to
   * `onLog` unattributed (`webtask: undefined`). Asked once per job; default: always.
   */
  logWanted?: ((webtask: JobWebtask) => boolean) | undefined;
}
