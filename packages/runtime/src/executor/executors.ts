import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child-transport.ts';
import type { WebtaskStorage } from '../create-storage.ts';
import { createWebtaskCache, runJob, serveJob } from './webtasks.ts';
import { logToJob, patchConsole, scopedLogger } from '../job/logs.ts';
import type { Executor, ExecutorOptions } from './types.ts';
import { createPool } from './pool/pool.ts';
import { poolSettings } from './pool/pool-settings.ts';
import { timingEntry } from '../job/timing-entry.ts';
import { createHandle, documentOf } from '../storage/handle.ts';
import { openDocument } from '../storage/document.ts';
import { spawnWorker } from './worker-transport.ts';

/** The options every executor takes: where its reports and its jobs' console lines go. */
type LogOptions = Pick<ExecutorOptions, 'logger' | 'onLog' | 'logWanted'>;

/**
 * The pipeline in this process: no isolation, the same job interface and code path as the pools.
 * With `onLog`, the console is patched while the executor is open: lines of its jobs go to `onLog`.
 */
export function createInProcessExecutor(options: LogOptions = {}): Executor {
  const { onLog } = options;
  const logger = onLog ? scopedLogger(onLog) : (options.logger ?? console);
  const release = onLog ? holdConsole() : undefined;
  const cache = createWebtaskCache();
  const environment = (job: { storage?: WebtaskStorage | undefined }, wanted: boolean) => {
    const document = job.storage && documentOf(job.storage);
    return { storage: () => createHandle(document ?? openDocument({})), document, logger, onLog: wanted ? onLog : undefined };
  };
  return {
    run: async (job) => {
      const wanted = onLog !== undefined && (options.logWanted?.(job.webtask) ?? true);
      const result = await runJob(cache, job, environment(job, wanted));
      if (wanted && result.timing) onLog(timingEntry(job.webtask.id, result.requestId, result.timing));
      return result;
    },
    serve: async (job, req, res) => {
      const wanted = onLog !== undefined && (options.logWanted?.(job.webtask) ?? true);
      const { requestId, timing } = await serveJob(cache, job, req, res, environment(job, wanted));
      if (wanted && timing) onLog(timingEntry(job.webtask.id, requestId, timing));
    },
    close: () => Promise.resolve(release?.()),
  };
}

// One patch of the global console for all the in-process executors that listen: a line made in a
// job's scope goes to that job's executor, any other line to the console as it was.
let holders = 0;
let restoreConsole: (() => void) | undefined;

/** Take the console patch; the function returned gives it back once, restoring the console after the last holder. */
function holdConsole(): () => void {
  if (holders++ === 0) restoreConsole = patchConsole((level, args, original) => void (logToJob(level, args) || original(...args)));
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0) restoreConsole?.();
  };
}

/** A pool of worker threads, each with a heap limit; a runaway request costs one worker. */
export function createWorkerExecutor(options: ExecutorOptions = {}): Executor {
  const settings = poolSettings(options);
  return createPool(() => spawnWorker(settings.memoryLimit), settings, 'worker');
}

/** A pool of child processes under Node's permission model, each with a heap limit and a private writable directory. */
export function createProcessExecutor(options: ExecutorOptions = {}): Executor {
  const settings = poolSettings(options);
  const writable = mkdtempSync(join(tmpdir(), 'ext-compilers-process-'));
  const pool = createPool(() => spawnChild({ memoryLimit: settings.memoryLimit, responseLimit: settings.maxResponseSize }, writable), settings, 'process');
  return {
    run: pool.run,
    serve: pool.serve,
    close: async () => {
      await pool.close();
      rmSync(writable, { recursive: true, force: true });
    },
  };
}
