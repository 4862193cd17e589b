import Module from 'node:module';
import { join } from 'node:path';

/** The parts of Node's CommonJS `Module` that are not in its public typings but are what `require()` itself uses. */
export interface LoadableModule {
  id: string;
  filename: string;
  paths: string[];
  exports: unknown;
  loaded: boolean;
  webtask?: unknown;
  _compile(content: string, filename: string): unknown;
  require(id: string): unknown;
}

interface ModuleInternals {
  new (id: string): LoadableModule;
  _nodeModulePaths(from: string): string[];
  _resolveFilename(request: string, parent: LoadableModule): string;
}

const Internals = Module as unknown as ModuleInternals;

/** Where a script appears to live, and where its bare requires are looked up. */
export interface ModuleLocation {
  dirname: string;
  filename: string;
  extraModulePaths: readonly string[];
}

/**
 * A module object set up the way `Module#load` would for a file at `dirname/filename`, plus the
 * extra lookup directories (webtask-runtime's `extraModulePaths`, appended after the node_modules
 * hierarchy). Nothing is read from disk: the file need not exist.
 */
export function createModule(location: ModuleLocation): LoadableModule {
  const pathname = join(location.dirname, location.filename);
  const mod = new Internals(pathname);
  mod.filename = pathname;
  mod.paths = Internals._nodeModulePaths(location.dirname).concat(location.extraModulePaths);
  return mod;
}

/** Resolve a bare specifier the way the module's own `require` would, without loading it; `undefined` when it cannot be found. */
export function resolveFrom(mod: LoadableModule, request: string): string | undefined {
  try {
    return Internals._resolveFilename(request, mod);
  } catch {
    return undefined;
  }
}
