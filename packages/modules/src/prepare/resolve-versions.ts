import { ExtCompilersError } from '@ext-compilers/core';
import type { ModuleSpec } from '../parse-spec.ts';
import type { ModuleStore, ResolvedModule } from '../types.ts';

/** `name@version`, the unit the store resolves and installs (subpaths share one install). */
export function versionKey(module: ModuleSpec): string {
  return `${module.name}@${module.version}`;
}

/**
 * Resolve every versioned spec against the store. Missing ones are installed together in one
 * `ensure()` call when `install` is set; what is still missing is `ERR_MODULES_MISSING`, naming
 * the specs as the script wrote them.
 */
export async function resolveVersions(
  modules: readonly ModuleSpec[],
  store: ModuleStore,
  install: boolean,
): Promise<Map<string, ResolvedModule>> {
  const specsByKey = new Map<string, string[]>();
  for (const module of modules) {
    const specs = specsByKey.get(versionKey(module)) ?? [];
    if (!specs.includes(module.spec)) specs.push(module.spec);
    specsByKey.set(versionKey(module), specs);
  }
  const found = new Map<string, ResolvedModule>();
  let missing = lookUp(store, [...specsByKey.keys()], found);
  let cause: Error | undefined;
  if (missing.length > 0 && install) {
    cause = (await store.ensure(missing)).find((result) => result.state === 'failed')?.error;
    missing = lookUp(store, missing, found);
  }
  if (missing.length === 0) return found;
  const specs = missing.flatMap((key) => specsByKey.get(key) ?? []);
  throw new ExtCompilersError('ERR_MODULES_MISSING', `Not in the module store: ${specs.join(', ')}`, { cause, details: { specs } });
}

/** Adds what the store holds to `found`; returns the keys it does not hold. */
function lookUp(store: ModuleStore, keys: readonly string[], found: Map<string, ResolvedModule>): string[] {
  const missing: string[] = [];
  for (const key of keys) {
    const resolved = store.resolve(key);
    if (resolved === undefined) missing.push(key);
    else found.set(key, resolved);
  }
  return missing;
}
