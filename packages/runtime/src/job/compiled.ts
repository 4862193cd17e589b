import { compile, type CompileOptions } from '../compile.ts';
import type { AnyWebtaskFunction, PipelineResponse, PipelineSettings } from './types.ts';
import { createHandle } from '../storage/handle.ts';

/** compile() options that `simulate()` and `createServer()` pass through. */
export type PassedCompileOptions = Omit<CompileOptions, 'meta' | 'secrets' | 'params' | 'logger' | 'webtaskApi'>;

/**
 * Compile code for the pipeline. `module.webtask` gets a storage handle on the runtime's document
 * when `withStorage` is set (a new handle is a new cache key for compile(), so `simulate()` asks
 * for it only when the caller configured storage).
 */
export function compileForPipeline(code: string, options: PassedCompileOptions, settings: PipelineSettings, withStorage: boolean): Promise<AnyWebtaskFunction> {
  const { meta, params, secrets, logger } = settings;
  if (!withStorage) return compile(code, { ...options, meta, params, secrets, logger }) as Promise<unknown> as Promise<AnyWebtaskFunction>;
  const storage = settings.document ? createHandle(settings.document) : settings.storage;
  return compile(code, { ...options, meta, params, secrets, logger, webtaskApi: { storage, meta, params, secrets } }) as Promise<unknown> as Promise<AnyWebtaskFunction>;
}

/**
 * Answer a request for code that did not compile. compile() fails as webtask-runtime does, with
 * the HTTP status in a numeric `code` and the body its enumerable properties; anything else is
 * webtask-runtime's handler's `Server error`.
 */
export function answerCompileError(res: PipelineResponse, error: unknown): void {
  if (res.writableEnded) return;
  const code = (error as { code?: unknown } | null)?.code;
  const coded = typeof code === 'number' && code >= 400 && code <= 599;
  res.writeHead(coded ? code : 500, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(coded ? error : { code: 500, error: 'Server error', details: String(error) }));
}

/** Pick the compile() options out of simulate()'s or createServer()'s. */
export function passedCompileOptions(options: PassedCompileOptions): PassedCompileOptions {
  const { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout } = options;
  return { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout };
}
