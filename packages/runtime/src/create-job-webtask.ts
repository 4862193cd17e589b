import type { JobCompileOptions, JobWebtask } from './executor/types.ts';
import { type RuntimeOptions, resolveSettings } from './job/settings.ts';

/** What `createJobWebtask()` takes: the runtime's plain-data options and compile()'s that can cross to a guest. */
export type JobWebtaskOptions = Omit<RuntimeOptions, 'logger' | 'storage' | 'initialStorageData' | 'storageFile'> & JobCompileOptions;

/**
 * The webtask of an executor job, with the runtime's defaults filled in (pb 2, a 20 s limit…).
 * `id` names this version of the webtask: executors remember the compiled function under it, so
 * give a new id whenever the code, secrets, meta or params change. Reuse the returned object for
 * every request: the pools send a webtask to a guest once and then only its id.
 */
export function createJobWebtask(id: string, code: string, options: JobWebtaskOptions = {}): JobWebtask {
  if (typeof id !== 'string' || id === '') throw new TypeError('createJobWebtask: the id must be a non-empty string');
  if (typeof code !== 'string') throw new TypeError('createJobWebtask: the code must be a string');
  const { dirname, filename, extraModulePaths, compilerFetch, compileTimeout, modulesRoot } = options;
  const { parseBody, mergeBody, secrets, meta, params, maxBodySize, timeout, token, container, shortcutFavicon, serverTiming } = resolveSettings({ ...options, storage: undefined, initialStorageData: undefined, storageFile: undefined });
  return {
    id,
    code,
    options: { dirname, filename, extraModulePaths, compilerFetch, compileTimeout, modulesRoot },
    settings: { parseBody, mergeBody, secrets, meta, params, maxBodySize, timeout, token, container, shortcutFavicon, serverTiming },
  };
}
