import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pickCompilers } from './points.ts';

/** A compilers module under test, and where a child process can load it again (when known). */
export interface Target {
  compilers: Record<string, unknown>;
  url: string | undefined;
}

const ownRequire = createRequire(import.meta.url);

/**
 * Load the compilers named by `spec` (a module name resolved from `cwd`, else from this package,
 * or a file path) or take the object given. For an object, the module it came from is looked up
 * in the CommonJS cache so that crash and hang cases can still be isolated.
 */
export async function loadTarget(spec: object | string, cwd: string): Promise<Target> {
  if (typeof spec !== 'string') {
    return { compilers: pickCompilers(spec as Record<string, unknown>), url: cachedModuleUrl(spec) };
  }
  const path = resolveSpec(spec, cwd);
  const url = pathToFileURL(path).href;
  const namespace = (await import(url)) as Record<string, unknown>;
  return { compilers: pickCompilers(namespace), url };
}

function resolveSpec(spec: string, cwd: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) return ownRequire.resolve(resolve(cwd, spec));
  try {
    return createRequire(join(cwd, 'noop.js')).resolve(spec);
  } catch {
    return ownRequire.resolve(spec);
  }
}

function cachedModuleUrl(compilers: object): string | undefined {
  for (const mod of Object.values(ownRequire.cache)) {
    if (mod && (mod.exports === compilers || mod.exports?.default === compilers)) return pathToFileURL(mod.filename).href;
  }
  return undefined;
}
