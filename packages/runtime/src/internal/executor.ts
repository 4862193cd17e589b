import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnChild } from './child-transport.ts';
import { runJob } from './executor-guest.ts';
import type { Executor, PoolOptions } from './executor-types.ts';
import { createPool, poolSettings } from './pool.ts';
import { createHandle, documentOf } from './storage-handle.ts';
import { openDocument } from './storage-document.ts';
import type { Logger } from './pipeline-types.ts';
import { spawnWorker } from './worker-transport.ts';

/** The pipeline in this process: no isolation, the same job interface and code path as the pools. */
export function createInProcessExecutor(options: { logger?: Logger | undefined } = {}): Executor {
  const logger = options.logger ?? console;
  return {
    run: (job) => runJob(job, { storage: () => createHandle((job.storage && documentOf(job.storage)) ?? openDocument({})), logger }),
    close: () => Promise.resolve(),
  };
}

/** A pool of worker threads, each with a heap limit; a runaway request costs one worker. */
export function createWorkerExecutor(options: PoolOptions = {}): Executor {
  const settings = poolSettings(options);
  return createPool(() => spawnWorker(settings.memoryLimit), settings, 'worker');
}

/** A pool of child processes under Node's permission model, each with a heap limit and a private writable directory. */
export function createProcessExecutor(options: PoolOptions = {}): Executor {
  const settings = poolSettings(options);
  const writable = mkdtempSync(join(tmpdir(), 'ext-compilers-process-'));
  const pool = createPool(() => spawnChild(settings.memoryLimit, writable), settings, 'process');
  return {
    run: pool.run,
    close: async () => {
      await pool.close();
      rmSync(writable, { recursive: true, force: true });
    },
  };
}
