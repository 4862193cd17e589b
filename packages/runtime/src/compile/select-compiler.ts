import { createRequire } from 'node:module';
import { ExtCompilersError, type NodejsCompiler, type WebtaskCompiler } from '@ext-compilers/core';
import * as points from 'ext-compilers';
import * as actions from 'ext-compilers/actions';
import { createModule, type ModuleLocation, resolveFrom } from './module.ts';
import { type FetchLimits, fetchCompilerSource } from './fetch-compiler.ts';
import { createNodejsCompiler } from '../nodejs-compiler.ts';

/** Any compiler of the webtask contract; what it calls back with is checked by the caller. */
export type AnyCompiler = (options: Parameters<WebtaskCompiler>[0], cb: (error: Error | null | undefined, fn?: unknown) => void) => void;

// Both package names are served by ours: `wt-compiler=auth0-ext-compilers/<point>` must keep working.
const OWN = /^(?:auth0-)?ext-compilers\/([^/]+)$/;
// The Actions-style compilers are ours alone: the original package has none.
const OWN_ACTIONS = /^ext-compilers\/actions\/([^/]+)$/;
// @webtask/middleware-compiler's grammar: a (scoped) module name and an optional export name.
const MODULE = /^(@[^/(]+\/[^/(]+|[^@/(]+)(?:\/([^/(]+))?$/;
const URL_FORM = /^https?:\/\//i;

const hostRequire = createRequire(import.meta.url);

/** The compiler a `wt-compiler` value names: one of ours, a module's export, or the export of the source at a URL. */
export async function selectCompiler(spec: string, location: ModuleLocation, fetchLimits: FetchLimits | undefined): Promise<AnyCompiler> {
  const own = OWN.exec(spec);
  if (own) return ownCompiler(spec, points, own[1] as string);
  const action = OWN_ACTIONS.exec(spec);
  if (action) return ownCompiler(spec, actions, action[1] as string);
  if (URL_FORM.test(spec)) return urlCompiler(spec, location, fetchLimits);
  const parts = MODULE.exec(spec);
  if (!parts) throw notFound(spec, `The wt-compiler '${spec}' is neither a module, a module/export nor an http(s) URL`);
  return moduleCompiler(spec, parts[1] as string, parts[2], location);
}

function ownCompiler(spec: string, family: object, point: string): AnyCompiler {
  const compiler: unknown = Object.hasOwn(family, point) ? (family as Record<string, unknown>)[point] : undefined;
  if (typeof compiler !== 'function') throw notFound(spec, `The wt-compiler '${spec}' names no extensibility point of ext-compilers`);
  return compiler as AnyCompiler;
}

/** Resolved from the webtask's own module paths first (its node_modules, `extraModulePaths`), then from the host's. */
function moduleCompiler(spec: string, name: string, exportName: string | undefined, location: ModuleLocation): AnyCompiler {
  const path = resolveFrom(createModule(location), name) ?? resolveHost(name);
  if (path === undefined) throw notFound(spec, `The wt-compiler module '${name}' cannot be found`);
  let exported: unknown;
  try {
    exported = hostRequire(path);
  } catch (error) {
    throw notFound(spec, `The wt-compiler module '${name}' failed to load: ${(error as Error)?.message ?? String(error)}`, error);
  }
  const compiler = exportName === undefined ? exported : ownExport(exported, exportName);
  if (typeof compiler !== 'function') {
    throw notFound(spec, exportName === undefined ? `The wt-compiler module '${name}' does not export a function` : `The wt-compiler module '${name}' has no function export '${exportName}'`);
  }
  return compiler as AnyCompiler;
}

function resolveHost(name: string): string | undefined {
  try {
    return hostRequire.resolve(name);
  } catch {
    return undefined;
  }
}

function ownExport(exported: unknown, key: string): unknown {
  return (typeof exported === 'object' || typeof exported === 'function') && exported !== null && Object.hasOwn(exported, key)
    ? (exported as Record<string, unknown>)[key]
    : undefined;
}

/** Downloaded and compiled with the Node compiler in the webtask's location (no `module.webtask`); its export is the compiler. */
async function urlCompiler(url: string, location: ModuleLocation, fetchLimits: FetchLimits | undefined): Promise<AnyCompiler> {
  const source = await fetchCompilerSource(url, fetchLimits);
  const compile: NodejsCompiler = createNodejsCompiler(location);
  return new Promise((resolve, reject) => {
    compile(source, (error, exported) => {
      if (error) return reject(fetchError(url, `The wt-compiler at ${url} does not compile: ${error.message}`, error));
      if (typeof exported !== 'function') return reject(fetchError(url, `The wt-compiler at ${url} does not export a function`));
      resolve(exported as AnyCompiler);
    });
  });
}

function notFound(spec: string, message: string, cause?: unknown): ExtCompilersError {
  return new ExtCompilersError('ERR_COMPILER_NOT_FOUND', message, cause === undefined ? { details: { compiler: spec } } : { details: { compiler: spec }, cause });
}

function fetchError(url: string, message: string, cause?: unknown): ExtCompilersError {
  return new ExtCompilersError('ERR_COMPILER_FETCH', message, cause === undefined ? { details: { url } } : { details: { url }, cause });
}
