import { createInProcessExecutor, createProcessExecutor, createWorkerExecutor } from './executor/executors.ts';
import { createJailExecutor } from './executor/jail/jail-executor.ts';
import type { Executor, ExecutorOptions } from './executor/types.ts';

export type {
  Executor,
  ExecutorOptions,
  ExecutorJob,
  JobCompileOptions,
  JobRequest,
  JobResult,
  JobSettings,
  JobWebtask,
  LogEntry,
  Sandbox,
  ServeJob,
} from './executor/types.ts';

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
  if (sandbox === 'jail') return createJailExecutor(options);
  throw new TypeError(`createExecutor: sandbox must be 'in-process', 'worker', 'process' or 'jail'`);
}
