// A ModuleStore double over a temporary directory in verquire's layout: resolution reads
// packages.json, "installing" writes a tiny package whose exports say which version it is.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { ExtCompilersError } from '@ext-compilers/core';
import { type EnsureResult, type ModuleSpec, type ModuleStore, parseSpec, type ResolvedModule } from '@ext-compilers/modules';

export interface FixtureStore extends ModuleStore {
  /** The specs of each `ensure()` call, in order. */
  readonly ensureCalls: string[][];
  /** Write `<root>/<name>/<version>/node_modules/<name>` with package.json and index.js. */
  add(name: string, version: string): void;
  /** Remove the temporary directory. */
  remove(): void;
}

/**
 * A store holding `installed` (`name@version` strings); `ensure()` installs from `registry`
 * (`{ name: [versions] }`), resolving ranges and `latest` there as npm would.
 */
export function createFixtureStore(installed: readonly string[] = [], registry: Record<string, string[]> = {}): FixtureStore {
  const root = mkdtempSync(join(tmpdir(), 'modules-fixture-'));
  const ensureCalls: string[][] = [];
  const index = (): Record<string, string[]> => JSON.parse(readFileSync(join(root, 'packages.json'), 'utf8'));
  const versions = (name: string): string[] => [...(index()[name] ?? [])].sort(semver.compare);
  const add = (name: string, version: string): void => {
    const directory = join(root, name, version, 'node_modules', name);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
    writeFileSync(join(directory, 'index.js'), `module.exports = { name: ${JSON.stringify(name)}, version: ${JSON.stringify(version)} };\n`);
    const packages = index();
    packages[name] = [...new Set([...(packages[name] ?? []), version])];
    writeFileSync(join(root, 'packages.json'), JSON.stringify(packages));
  };
  writeFileSync(join(root, 'packages.json'), '{}');
  for (const spec of installed) {
    const { name, version } = parseSpec(spec);
    add(name, version as string);
  }
  return {
    root,
    ensureCalls,
    add,
    remove: () => rmSync(root, { recursive: true, force: true }),
    versions,
    resolve(spec) {
      const { name, version } = typeof spec === 'string' ? parseSpec(spec) : spec;
      const match = pick(versions(name), version);
      return match === null ? undefined : resolved(root, name, match);
    },
    async ensure(specs) {
      ensureCalls.push(specs.map((spec) => (typeof spec === 'string' ? spec : spec.spec)));
      return specs.map((spec): EnsureResult => {
        const module: ModuleSpec = typeof spec === 'string' ? parseSpec(spec) : spec;
        const version = pick(registry[module.name] ?? [], module.version);
        if (version === null) {
          const error = new ExtCompilersError('ERR_MODULES_NOT_FOUND', `No such module: ${module.spec}`, { details: { spec: module.spec } });
          return { spec: module.spec, name: module.name, version: undefined, state: 'failed', error };
        }
        add(module.name, version);
        return { spec: module.spec, name: module.name, version, state: 'available' };
      });
    },
    async list() {
      const modules = Object.entries(index()).flatMap(([name, list]) => list.map((version) => ({ name, version })));
      return { node_version: process.version, modules };
    },
  };
}

/** The highest version satisfying an exact version, a range or `latest`/none. */
function pick(versions: readonly string[], wanted: string | undefined): string | null {
  return semver.maxSatisfying([...versions], wanted === undefined || wanted === 'latest' ? '*' : wanted);
}

function resolved(root: string, name: string, version: string): ResolvedModule {
  return { name, version, directory: join(root, name, version, 'node_modules', name) };
}
