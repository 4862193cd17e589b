import type { ModuleStore } from '@ext-compilers/modules';
import type { NodejsCompiler, WebtaskFunction } from '@ext-compilers/core';
import { createNodejsCompiler } from '../nodejs-compiler.ts';
import { createModule, type ModuleLocation } from './module.ts';
import { compileFailed, compileTimedOut, invalidExport } from './errors.ts';
import type { Logger } from '@ext-compilers/core';
import { type InstallModules, mayUseNpm, prepareWithInstaller, prepareWithStore } from './use-npm.ts';
import { type AnyCompiler, selectCompiler } from './select-compiler.ts';
import type { FetchLimits } from './fetch-compiler.ts';
import { recordBuild } from '../job/timing.ts';

/** Everything a compile needs, defaults applied. */
export interface CompileSettings {
  location: ModuleLocation;
  meta: Record<string, string | undefined>;
  secrets: Record<string, string | undefined>;
  webtaskApi: unknown;
  modules: ModuleStore | undefined;
  installModules: InstallModules | undefined;
  logger: Logger;
  compilerFetch: FetchLimits | undefined;
  compileTimeout: number;
}

/** The webtask function for `code`: through the `wt-compiler` the metadata names, or the Node compiler and the arity check. */
export async function build(code: string, settings: CompileSettings): Promise<WebtaskFunction> {
  const started = performance.now();
  const spent = { modules: 0 };
  const fn = await buildUntimed(code, settings, spent);
  recordBuild(fn, performance.now() - started - spent.modules, spent.modules);
  return fn;
}

async function buildUntimed(code: string, settings: CompileSettings, spent: { modules: number }): Promise<WebtaskFunction> {
  const base = createNodejsCompiler({ ...settings.location, webtaskApi: settings.webtaskApi });
  const spec = settings.meta['wt-compiler'];
  if (!spec) return checked(await loadPlain(base, mayUseNpm(code) ? await timed(prepareNpm(code, settings), spent) : code));
  const compiler = await selectCompiler(spec, settings.location, settings.compilerFetch);
  return callCompiler(
    compiler,
    { script: code, nodejsCompiler: withNpm(base, settings, spent), secrets: settings.secrets, meta: settings.meta },
    settings.compileTimeout,
  );
}

/** `'use npm'` work counts as module loading, apart from the compile. */
async function timed<T>(work: Promise<T> | T, spent: { modules: number }): Promise<T> {
  const started = performance.now();
  try {
    return await work;
  } finally {
    spent.modules += performance.now() - started;
  }
}

/** `'use npm'` first, through the store when there is one, else webtask-runtime's way. */
function prepareNpm(code: string, settings: CompileSettings): Promise<string> | string {
  if (!mayUseNpm(code)) return code;
  if (settings.modules) return prepareWithStore(code, settings.modules, settings.location.filename);
  return prepareWithInstaller(code, createModule(settings.location), settings.installModules, settings.logger);
}

function loadPlain(base: NodejsCompiler, code: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    base(code, (error, exported) => (error ? reject(compileFailed(error)) : resolve(exported)));
  });
}

/** webtask-runtime's check: a function of arity 1, 2 or 3 (`Function.length`, so defaults and rest parameters count as it counts them). */
function checked(exported: unknown): WebtaskFunction {
  if (typeof exported !== 'function') throw invalidExport('ERR_COMPILE_NOT_A_FUNCTION');
  if (exported.length < 1 || exported.length > 3) throw invalidExport('ERR_COMPILE_SIGNATURE');
  return exported as WebtaskFunction;
}

/** The nodejsCompiler handed to a wt-compiler: `'use npm'` applies to whatever script it compiles. Synchronous when there is no directive. */
function withNpm(base: NodejsCompiler, settings: CompileSettings, spent: { modules: number }): NodejsCompiler {
  return (script, cb) => {
    if (!mayUseNpm(script)) return base(script, cb);
    timed(prepareNpm(script, settings), spent).then(
      (prepared) => base(prepared, cb),
      (error: Error) => cb(error),
    );
  };
}

/**
 * Call a compiler once, whatever it does (throw, call back twice, never call back: past `timeout`
 * ms, 0 for none, it has failed). What it reports is a compile failure in the reference's shape,
 * except the store's own `ERR_MODULES_*` errors, which pass as they are. Only "is a function" is
 * checked on its result: compilers choose their own shapes.
 */
function callCompiler(compiler: AnyCompiler, options: Parameters<AnyCompiler>[0], timeout: number): Promise<WebtaskFunction> {
  return new Promise((resolve, reject) => {
    let called = false;
    const timer = timeout > 0 && Number.isFinite(timeout) ? setTimeout(() => {
      if (called) return;
      called = true;
      reject(compileTimedOut(timeout));
    }, timeout) : undefined;
    const done = (error: unknown, fn?: unknown): void => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      if (error) reject(isModulesError(error) ? error : compileFailed(error));
      else if (typeof fn !== 'function') reject(invalidExport('ERR_COMPILE_NOT_A_FUNCTION'));
      else resolve(fn as WebtaskFunction);
    };
    try {
      compiler(options, done);
    } catch (error) {
      done(error ?? new Error('The wt-compiler threw'));
    }
  });
}

function isModulesError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_MODULES_');
}
