import type { FetchLimits } from './fetch-compiler.ts';
import type { Logger } from './pipeline-types.ts';
import type { StorageDocument } from './storage-document.ts';

/** compile() options that can cross to a worker or a child process: plain data only. */
export interface JobCompileOptions {
  dirname?: string | undefined;
  filename?: string | undefined;
  extraModulePaths?: readonly string[] | undefined;
  cache?: false | { max?: number | undefined } | undefined;
  compilerFetch?: FetchLimits | undefined;
}

/** The pipeline settings of a webtask, as plain data (storage and logger are the executor's). */
export interface JobSettings {
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
}

/** One webtask: its id (what the guest caches the compiled function by), its code and options. */
export interface JobWebtask {
  id: string;
  code: string;
  options: JobCompileOptions;
  settings: JobSettings;
}

/** A request whose body has already been read (up to the size limit) by the host. */
export interface JobRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | undefined;
}

/** What an executor runs: a webtask, a request, and the storage document it reads and writes (kept by the host). */
export interface ExecutorJob {
  webtask: JobWebtask;
  request: JobRequest;
  storage?: StorageDocument | undefined;
}

/** The complete answer to one request. */
export interface JobResult {
  statusCode: number;
  headers: Record<string, string | number | string[]>;
  body: Buffer;
}

/** Where webtasks run: the in-process pipeline, a pool of worker threads, or a pool of child processes. */
export interface Executor {
  run(job: ExecutorJob): Promise<JobResult>;
  close(): Promise<void>;
}

/** Options of the isolating executors. */
export interface PoolOptions {
  /** Workers or children; default `os.availableParallelism() - 1`, at least 1. */
  size?: number | undefined;
  /** Wall-clock limit of one request in ms (default 20000; 0 for none): past it the worker is stopped. */
  timeout?: number | undefined;
  /** Heap limit of each worker or child, in MB (default 128). */
  memoryLimit?: number | undefined;
  /** Where user code's reports (a timeout, a synchronous throw) and the pool's faults go. */
  logger?: Logger | undefined;
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

/** Host → guest. */
export type HostMessage =
  | { type: 'run'; id: number; job: Omit<ExecutorJob, 'storage'> }
  | { type: 'storage'; sid: number; reply: StorageReply };

/** Guest → host. */
export type GuestMessage =
  | { type: 'ready' }
  | { type: 'result'; id: number; statusCode: number; headers: Record<string, string | number | string[]>; payload: string }
  | { type: 'storage'; sid: number; operation: StorageOperation }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; text: string }
  | { type: 'fault'; message: string };
