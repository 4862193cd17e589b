import type { WebtaskFunction } from '@ext-compilers/core';
import type { ModuleStore } from '@ext-compilers/modules';
import { cacheKey, createLru, DEFAULT_CACHE_MAX, identityOf, type Lru, sharedLru } from './compile/cache.ts';
import { build, type CompileSettings } from './compile/build.ts';
import type { Logger } from '@ext-compilers/core';
import type { InstallModules } from './compile/use-npm.ts';
import type { FetchLimits } from './compile/fetch-compiler.ts';

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
  /** How long a `wt-compiler` may take to call back, in ms (default 10000; 0 for no limit): past it, the compile fails with `ERR_COMPILE_TIMEOUT`. */
  compileTimeout?: number | undefined;
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
  const cache = options.cache === false ? undefined : sharedLru<Promise<WebtaskFunction>>(options.cache?.max ?? DEFAULT_CACHE_MAX);
  const recent = cache && recentKey(code, options);
  const hit = recent === undefined ? undefined : cache?.get(recent);
  if (hit) return hit;
  const settings = settle(options);
  const key = cache ? keyOf(code, settings, options) : undefined;
  if (!cache || key === undefined) return build(code, settings);
  const known = cache.get(key);
  if (known) {
    rememberKey(code, options, key);
    return known;
  }
  const pending = build(code, settings);
  cache.set(key, pending);
  rememberKey(code, options, key);
  pending.catch(() => forget(cache, key, pending));
  return pending;
}

// The key of the latest compile of each recent code, with the options it was computed from: the
// same code compiled again with equal options (the usual case: simulate() or a server calling
// with the same settings) skips the canonical JSON and the hash. Only options made of primitive
// values are remembered, compared as shallow copies, so a caller's later mutation is a miss.
// The copies hold nothing the cached function does not (it closes over the same secrets).
interface RecentInputs {
  values: readonly unknown[];
  key: string;
}
const recentInputs = createLru<RecentInputs>(256);

function inputsOf(options: CompileOptions): unknown[] | undefined {
  if ('webtaskApi' in options || options.modules !== undefined || options.extraModulePaths !== undefined) return undefined;
  return [options.meta, options.secrets, options.params, options.dirname, options.filename];
}

function recentKey(code: string, options: CompileOptions): string | undefined {
  const recent = recentInputs.get(code);
  const values = recent && inputsOf(options);
  if (!recent || !values) return undefined;
  for (let i = 0; i < values.length; i++) if (!sameShallow(values[i], recent.values[i])) return undefined;
  return recent.key;
}

function rememberKey(code: string, options: CompileOptions, key: string): void {
  const values = inputsOf(options)?.map((value) => (typeof value === 'object' && value !== null ? primitiveCopy(value) : value));
  if (values && !values.includes(NOT_PRIMITIVE)) recentInputs.set(code, { values, key });
}

const NOT_PRIMITIVE = Symbol('not primitive');

function primitiveCopy(value: object): object | typeof NOT_PRIMITIVE {
  const copy: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === 'object' && field !== null) return NOT_PRIMITIVE;
    copy[name] = field;
  }
  return copy;
}

function sameShallow(value: unknown, copy: unknown): boolean {
  if (typeof value !== 'object' || value === null || typeof copy !== 'object' || copy === null) return value === copy;
  let count = 0;
  for (const name in value) {
    if (!Object.hasOwn(value, name) || (value as Record<string, unknown>)[name] !== (copy as Record<string, unknown>)[name] || !Object.hasOwn(copy, name)) return false;
    count++;
  }
  return count === Object.keys(copy).length;
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

/** How long a `wt-compiler` may take to call back by default: 10 s. */
const DEFAULT_COMPILE_TIMEOUT = 10_000;

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
    compileTimeout: options.compileTimeout ?? DEFAULT_COMPILE_TIMEOUT,
  };
}
