import { compile, type CompileOptions } from '../compile.ts';
import { createHandle } from '../storage/handle.ts';
import type { AnyWebtaskFunction, PipelineSettings } from './types.ts';

/**
 * A webtask as a runner holds it: its compile, started on first need and shared by every request
 * after, and the function it resolved to. A failed compile is not kept: the next request tries
 * again (a module may have been installed meanwhile), as compile()'s cache does.
 */
export interface CompiledWebtask {
  /** Starts the compile. */
  build: () => Promise<AnyWebtaskFunction>;
  fn: Promise<AnyWebtaskFunction> | undefined;
  /** What `fn` resolved to, once it did: later requests start at once, without a turn through the promise. */
  ready: AnyWebtaskFunction | undefined;
  /** Whether a request has reported what the build cost (the first one served does; later ones report 0). */
  reported: boolean;
}

/** A webtask compiled on first need by `build`. */
export function compiledWebtask(build: () => Promise<AnyWebtaskFunction>): CompiledWebtask {
  return { build, fn: undefined, ready: undefined, reported: false };
}

/** A webtask function given as it is: nothing is compiled, so its requests report no compile time. */
export function readyWebtask(fn: AnyWebtaskFunction): CompiledWebtask {
  return { build: () => Promise.resolve(fn), fn: Promise.resolve(fn), ready: fn, reported: true };
}

/** A compile already under way (createServer's, started with the server): every request waits on that one promise, so its failure is final. */
export function startedWebtask(fn: Promise<AnyWebtaskFunction>): CompiledWebtask {
  const entry = compiledWebtask(() => fn);
  whenCompiled(entry).catch(() => undefined);
  return entry;
}

/** The webtask's function: the compile started once, remembered once it succeeded. */
export function whenCompiled(entry: CompiledWebtask): Promise<AnyWebtaskFunction> {
  if (entry.fn) return entry.fn;
  const fn = entry.build();
  entry.fn = fn;
  fn.then(
    (value) => {
      if (entry.fn === fn) entry.ready = value;
    },
    () => {
      if (entry.fn === fn) entry.fn = undefined;
    },
  );
  return fn;
}

/** compile() options that `simulate()` and `createServer()` pass through. */
export type PassedCompileOptions = Omit<CompileOptions, 'meta' | 'secrets' | 'params' | 'logger' | 'webtaskApi'>;

/**
 * Compile code for the pipeline. `module.webtask` gets a storage handle on the runtime's document
 * when `withStorage` is set (a new handle is a new cache key for compile(), so `simulate()` asks
 * for it only when the caller configured storage).
 */
export function compileForPipeline(code: string, options: PassedCompileOptions, settings: PipelineSettings, withStorage: boolean): Promise<AnyWebtaskFunction> {
  const { meta, params, secrets, logger } = settings;
  const { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout } = options;
  const passed = { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout, meta, params, secrets, logger };
  if (!withStorage) return compile(code, passed) as Promise<unknown> as Promise<AnyWebtaskFunction>;
  const storage = settings.document ? createHandle(settings.document) : settings.storage;
  return compile(code, { ...passed, webtaskApi: { storage, meta, params, secrets } }) as Promise<unknown> as Promise<AnyWebtaskFunction>;
}
