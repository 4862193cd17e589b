import { createExecutor, type Executor, type ExecutorOptions, jailSupport, type Sandbox } from '@ext-compilers/runtime';
import type { Logger } from '@ext-compilers/core';
import type { LogHub } from '../logs/log-hub.ts';
import type { Webtasks } from './webtask-cache.ts';

/** The executor settings a server passes through (`workers` is the executor's `size`). */
export type ExecutorSettings = Pick<ExecutorOptions, 'containerGuests' | 'containerQueue' | 'memoryLimit' | 'maxResponseSize' | 'logBudget' | 'allowEgress' | 'tmpSize'> & {
  sandbox?: Sandbox | undefined;
  workers?: number | undefined;
};

/**
 * The sandbox of a server that names none: the jail where this machine can run it, else `process`
 * (tenants then share guests' host: `ext-compilers start` says so; an embedder who needs the jail
 * names it, and a machine without it refuses).
 */
export function defaultSandbox(): Sandbox {
  return jailSupport().ok ? 'jail' : 'process';
}

/** The executor a server makes when it is given none; its log lines go to the log streams. */
export function defaultExecutor(settings: ExecutorSettings, parts: { timeout: number; logger: Pick<Logger, 'error'>; webtasks: Webtasks; hub: LogHub }): Executor {
  const { logger, webtasks, hub } = parts;
  const { sandbox, workers, ...pool } = settings;
  return createExecutor({
    ...pool,
    sandbox: sandbox ?? defaultSandbox(),
    size: workers,
    timeout: parts.timeout,
    logger: { info: () => {}, warn: () => {}, error: (...args: unknown[]) => logger.error(...args) },
    // Lines and timings are followed only for containers someone streams.
    logWanted: (webtask) => {
      const where = webtasks.identify(webtask.id);
      return where !== undefined && hub.listening(where.container);
    },
    onLog: (entry) => {
      const where = entry.webtask === undefined ? undefined : webtasks.identify(entry.webtask);
      if (!where) return;
      hub.publish({ time: entry.time, level: entry.level, container: where.container, name: where.name, req_id: entry.requestId, msg: entry.message, ...(entry.timing ? { timing: entry.timing } : {}) });
    },
  });
}
