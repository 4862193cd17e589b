import type { WebtaskFunction } from '@ext-compilers/core';
import type { ModuleStore } from '@ext-compilers/modules';
import { cacheKey, DEFAULT_CACHE_MAX, identityOf, type Lru, sharedLru } from './internal/cache.ts';
import { build, type CompileSettings } from './internal/compile-pipeline.ts';
import type { InstallModules, Logger } from './internal/compile-use-npm.ts';
import type { FetchLimits } from './internal/fetch-compiler.ts';

/** Options of `compile()`: the platform's, then webtask-runtime's, then ours. */
export interface CompileOptions {
  /** Webtask metadata; `meta['wt-compiler']` picks the compiler. */
  meta?: Record<string, string | undefined> | undefined;
  /** Handed to the compiler and to `module.webtask`; they enter the cache key only through its hash. */
  secrets?: Record<string, string | undefined> | undefined;
  /** Part of the default `module.webtask`. */
  params?: Record<string, unknown> | undefined;
  /** A module store (`createModuleStore`) for `'use npm'`: versioned requires are installed into it and loaded from it. */
  modules?: ModuleStore | undefined;
  /** The directory the code appears to run in. Default `process.cwd()`. */
  dirname?: string | undefined;
  /** The code's file name. Default `webtask.js`. */
  filename?: string | undefined;
  /** Directories searched after the node_modules hierarchy of `dirname`. */
  extraModulePaths?: readonly string[] | undefined;
  /** `module.webtask` while the code loads. Default `{ meta, params, secrets }`. */
  webtaskApi?: unknown;
  /** Without `modules`: called once with the specs `'use npm'` code is missing (webtask-runtime's hook). */
  installModules?: InstallModules | undefined;
  /** Where the `'use npm'` notices go. Default `console`. */
  logger?: Logger | undefined;
  /** `false`, or the bound of the process-wide cache to use. Default `{ max: 1000 }`. */
  cache?: false | { max?: number | undefined } | undefined;
  /** Limits on fetching a URL `wt-compiler`. Default `{ timeout: 5000, maxSize: 1048576 }`. */
  compilerFetch?: FetchLimits | undefined;
}

/** The callback of the callback form. */
export type CompileCallback = (error: Error | null, fn?: WebtaskFunction) => void;

/**
 * Compile webtask code to its webtask function: `'use npm'` first, then the compiler the
 * metadata's `wt-compiler` names, or the Node compiler and webtask-runtime's arity check.
 * Results are cached by a hash of everything that can change them.
 */
export function compile(code: string, options?: CompileOptions): Promise<WebtaskFunction>;
export function compile(code: string, cb: CompileCallback): void;
export function compile(code: string, options: CompileOptions | undefined, cb: CompileCallback): void;
export function compile(
  code: string,
  optionsOrCb?: CompileOptions | CompileCallback,
  maybeCb?: CompileCallback,
): Promise<WebtaskFunction> | undefined {
  const cb = typeof optionsOrCb === 'function' ? optionsOrCb : maybeCb;
  const options = typeof optionsOrCb === 'function' ? {} : (optionsOrCb ?? {});
  if (typeof code !== 'string') throw new TypeError('compile(code): code must be a string');
  if (cb !== undefined && typeof cb !== 'function') throw new TypeError('compile(code, options, cb): cb must be a function');
  const result = cached(code, options);
  if (!cb) return result;
  // Outside the promise chain: an exception in the callback is the caller's, not a rejection.
  result.then(
    (fn) => queueMicrotask(() => cb(null, fn)),
    (error: Error) => queueMicrotask(() => cb(error)),
  );
  return undefined;
}

function cached(code: string, options: CompileOptions): Promise<WebtaskFunction> {
  const settings = settle(options);
  const cache = options.cache === false ? undefined : sharedLru<Promise<WebtaskFunction>>(options.cache?.max ?? DEFAULT_CACHE_MAX);
  const key = cache ? keyOf(code, settings, options) : undefined;
  if (!cache || key === undefined) return build(code, settings);
  const hit = cache.get(key);
  if (hit) return hit;
  const pending = build(code, settings);
  cache.set(key, pending);
  pending.catch(() => forget(cache, key, pending));
  return pending;
}

/** Failures are not cached: the next compile tries again (a module may have been installed meanwhile). */
function forget(cache: Lru<Promise<WebtaskFunction>>, key: string, pending: Promise<WebtaskFunction>): void {
  if (cache.get(key) === pending) cache.delete(key);
}

/**
 * Everything that can change the function: the code, the compiler, meta, secrets (hashed, never
 * kept), params, the module's location and store, and — by identity, since it holds live objects
 * such as storage — an explicit `webtaskApi`. `undefined` (no caching) when params cannot be
 * serialised.
 */
function keyOf(code: string, settings: CompileSettings, options: CompileOptions): string | undefined {
  try {
    const { location, meta, secrets, modules } = settings;
    return cacheKey([code, meta['wt-compiler'] ?? null, meta, secrets, options.params ?? null, location, modules?.root ?? null, identityOf(options.webtaskApi) ?? null]);
  } catch {
    return undefined;
  }
}

function settle(options: CompileOptions): CompileSettings {
  const meta = options.meta ?? {};
  const secrets = options.secrets ?? {};
  return {
    location: {
      dirname: options.dirname ?? process.cwd(),
      filename: options.filename ?? 'webtask.js',
      extraModulePaths: options.extraModulePaths ?? [],
    },
    meta,
    secrets,
    webtaskApi: 'webtaskApi' in options ? options.webtaskApi : { meta, params: options.params ?? {}, secrets },
    modules: options.modules,
    installModules: options.installModules,
    logger: options.logger ?? console,
    compilerFetch: options.compilerFetch,
  };
}
