import { createInProcessExecutor, createProcessExecutor, createWorkerExecutor } from './executor/executors.ts';
import type { Executor, JobWebtask, LogEntry, PoolOptions } from './executor/types.ts';
import type { Logger } from './job/types.ts';

export type {
  Executor,
  ExecutorJob,
  JobCompileOptions,
  JobRequest,
  JobResult,
  JobSettings,
  JobWebtask,
  LogEntry,
  ServeJob,
} from './executor/types.ts';

/** Where user code runs: this process (no isolation), a pool of worker threads, or a pool of child processes. */
export type Sandbox = 'in-process' | 'worker' | 'process';

/** Options of `createExecutor()`. The pool options apply to `worker` and `process`. */
export interface ExecutorOptions extends PoolOptions {
  /** Default `in-process` (no isolation: user code runs in this process). See docs/security.md. */
  sandbox?: Sandbox | undefined;
  logger?: Logger | undefined;
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

/**
 * An executor: `run(job)` answers one request of one webtask — compiled on first sight in the
 * executor (in a worker or child for the pools) and remembered by `job.webtask.id` — with the
 * complete response; `close()` stops the pool. One executor serves any number of webtasks: the
 * pools start with it, so a webtask never seen before costs only its compile.
 */
export function createExecutor(options: ExecutorOptions = {}): Executor {
  const sandbox = options.sandbox ?? 'in-process';
  if (sandbox === 'in-process') return createInProcessExecutor({ logger: options.logger, onLog: options.onLog, logWanted: options.logWanted });
  if (sandbox === 'worker') return createWorkerExecutor(options);
  if (sandbox === 'process') return createProcessExecutor(options);
  throw new TypeError(`createExecutor: sandbox must be 'in-process', 'worker' or 'process'`);
}
