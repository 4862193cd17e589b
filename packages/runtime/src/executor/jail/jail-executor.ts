import type { Executor, ExecutorOptions, JobWebtask } from '../types.ts';
import { createPool } from '../pool.ts';
import { poolSettings } from '../pool-settings.ts';
import type { Bind } from './binds.ts';
import { spawnJail } from './jail-transport.ts';
import { jailSupport } from './support.ts';

export const DEFAULT_TMP_SIZE: number = 16 * 1024 * 1024;

/**
 * A pool of jailed guests (see `spawnJail`), each serving one container for its whole life.
 * Throws, saying what is missing, where this machine cannot jail (`jailSupport()`).
 */
export function createJailExecutor(options: ExecutorOptions = {}): Executor {
  const support = jailSupport();
  if (!support.ok) throw new Error(`The jail sandbox is not available here: ${support.problem}`);
  const settings = poolSettings(options);
  const tmpSize = options.tmpSize ?? DEFAULT_TMP_SIZE;
  if (!Number.isInteger(tmpSize) || tmpSize < 1024 * 1024) throw new TypeError('tmpSize must be an integer of at least 1 MiB');
  // The module stores the executor's webtasks name, bound read-only into guests started after.
  const stores = new Map<string, Bind>();
  const note = (webtask: JobWebtask): void => {
    const root = webtask.options.modulesRoot;
    if (root !== undefined && !stores.has(root)) stores.set(root, { source: root, dest: root });
  };
  const spawn = () => spawnJail({ support, memoryLimit: settings.memoryLimit, tmpSize, binds: () => [...stores.values()] });
  const pool = createPool(spawn, settings, 'jail');
  return {
    run: (job) => (note(job.webtask), pool.run(job)),
    serve: (job, req, res) => (note(job.webtask), pool.serve(job, req, res)),
    close: () => pool.close(),
  };
}
