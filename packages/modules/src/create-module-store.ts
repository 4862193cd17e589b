import { builtinModules } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { ExtCompilersError } from '@ext-compilers/core';
import { type ModuleSpec, parseSpec } from './parse-spec.ts';
import type { EnsureResult, InstallProgress, ModuleListing, ModuleStore, ResolvedModule } from './types.ts';
import { type InstallContext, installSpec } from './install/install-spec.ts';
import { createInstallJobs, createSlots } from './install/jobs.ts';
import { createStoreReader, pickVersion, type StoreReader, type StoreView } from './store/packages-index.ts';
import { sweepTmp } from './store/sweep.ts';
import { packageDirectory } from './store/paths.ts';

/** Options of {@link createModuleStore}. */
export interface ModuleStoreOptions {
  /** The store's directory. An existing verquire `_verquire` directory works as it is. */
  readonly root: string;
  /** The npm command, run without a shell. Default `npm`. */
  readonly npm?: string;
  /** The registry URL, passed as `--registry`; npm's own configuration otherwise. */
  readonly registry?: string;
  /** Run the packages' lifecycle scripts. Default `false` (`--ignore-scripts`). */
  readonly scripts?: boolean;
  /** How long one npm install may run, in milliseconds. Default 300 000 (5 minutes). */
  readonly installTimeout?: number;
  /** How long to wait for another install of the same package, in milliseconds. Default `installTimeout` + 60 000. */
  readonly lockTimeout?: number;
  /** Progress of every install of this store. */
  readonly onProgress?: (event: InstallProgress) => void;
  /** Variables added to npm's environment (over `process.env`), e.g. `npm_config_cache`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_INSTALL_TIMEOUT = 300_000;
// npm processes of one store at once; more specs wait for a slot.
const CONCURRENT_INSTALLS = 4;
const MEMO_LIMIT = 10_000;

/**
 * A side-by-side versioned module store in verquire's layout
 * (`<root>/<name>/<version>/node_modules/<name>`, index `<root>/packages.json`). Resolution reads
 * the index and never runs a module; `ensure()` installs what is missing with the real npm client,
 * once per spec across callers and processes, and atomically.
 */
export function createModuleStore(options: ModuleStoreOptions): ModuleStore {
  const root = checkOptions(options);
  const installTimeout = options.installTimeout ?? DEFAULT_INSTALL_TIMEOUT;
  const read = createStoreReader(root);
  const ctx: InstallContext = {
    root,
    read,
    lockTimeout: options.lockTimeout ?? installTimeout + 60_000,
    slot: createSlots(CONCURRENT_INSTALLS),
    npm: { command: options.npm ?? 'npm', registry: options.registry, scripts: options.scripts === true, timeout: installTimeout, env: options.env },
  };
  const install = createInstallJobs((spec, emit) => installSpec(ctx, spec, emit), options.onProgress);
  const resolve = createResolver(root, read);
  // What crashed processes left in .tmp is removed once per store, before it installs anything.
  let swept: Promise<void> | undefined;

  const ensure = async (specs: readonly (string | ModuleSpec)[], call?: { onProgress?: (event: InstallProgress) => void }): Promise<EnsureResult[]> => {
    if (!Array.isArray(specs)) throw new TypeError('ensure() takes an array of module specs');
    if (call?.onProgress !== undefined && typeof call.onProgress !== 'function') throw new TypeError('onProgress must be a function');
    const parsed = specs.map(toSpec);
    swept ??= sweepTmp(root, installTimeout + 60_000).catch(() => undefined);
    await swept;
    return Promise.all(parsed.map(async (spec): Promise<EnsureResult> => {
      const base = { spec: spec.spec, name: spec.name };
      const ready = resolve(spec);
      if (ready !== undefined) return { ...base, version: ready.version, state: 'available' };
      const outcome = await install(spec, call?.onProgress);
      return outcome.error === undefined ? { ...base, version: outcome.version, state: 'available' } : { ...base, version: undefined, state: 'failed', error: outcome.error };
    }));
  };

  const versions = (name: string): readonly string[] => {
    if (typeof name !== 'string') throw new TypeError('versions() takes a package name');
    return [...read().versions(name)];
  };

  return { root, ensure, resolve, versions, list: () => listModules(read) };
}

/**
 * `resolve()`, answering from a memo per view of the store (a new view whenever the index or
 * the tags change), so that a compile's versioned requires cost a map lookup each.
 */
function createResolver(root: string, read: StoreReader): (input: string | ModuleSpec) => ResolvedModule | undefined {
  let memoView: StoreView | undefined;
  const memo = new Map<string, ResolvedModule | undefined>();
  return (input) => {
    const view = read();
    if (view !== memoView || memo.size > MEMO_LIMIT) {
      memoView = view;
      memo.clear();
    }
    if (typeof input === 'string' && memo.has(input)) return memo.get(input);
    const spec = toSpec(input);
    const version = pickVersion(view, spec);
    const resolved = version === undefined ? undefined : { name: spec.name, version, directory: packageDirectory(root, spec.name, version) };
    if (typeof input === 'string') memo.set(input, resolved);
    return resolved;
  };
}

/** The List Modules listing: Node's built-ins as `native`, then every version present, by name. */
async function listModules(read: StoreReader): Promise<ModuleListing> {
  const view = read(true);
  const stored = view.names().flatMap((name) => view.versions(name).map((version) => ({ name, version })));
  const native = [...builtinModules].sort().map((name) => ({ name, version: 'native' }));
  return { node_version: process.version, modules: [...native, ...stored] };
}

/** A spec as a validated `ModuleSpec`; an object is re-checked, since a hand-made one could name any path. */
function toSpec(input: string | ModuleSpec): ModuleSpec {
  if (typeof input === 'string') return parseSpec(input);
  if (typeof input !== 'object' || input === null || typeof input.name !== 'string') {
    throw new TypeError('A module spec is a string or a ModuleSpec');
  }
  const checked = parseSpec(input.version === undefined ? input.name : `${input.name}@${input.version}`);
  if (checked.name !== input.name || checked.version !== input.version || checked.subpath !== undefined) {
    throw new ExtCompilersError('ERR_MODULES_SPEC', `Invalid module spec ${JSON.stringify(input.spec)}: its name and version do not form a spec`, {
      details: { spec: input.spec },
    });
  }
  return { ...checked, spec: typeof input.spec === 'string' ? input.spec : checked.spec };
}

function checkOptions(options: ModuleStoreOptions): string {
  if (typeof options !== 'object' || options === null) throw new TypeError('createModuleStore() takes an options object');
  if (typeof options.root !== 'string' || options.root === '') throw new TypeError('options.root must be a directory path');
  for (const key of ['installTimeout', 'lockTimeout'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && value > 0 && Number.isFinite(value))) {
      throw new TypeError(`options.${key} must be a positive number of milliseconds`);
    }
  }
  if (options.registry !== undefined && !/^https?:\/\//.test(String(options.registry))) throw new TypeError('options.registry must be an http(s) URL');
  if (options.npm !== undefined && (typeof options.npm !== 'string' || options.npm === '')) throw new TypeError('options.npm must be a command');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new TypeError('options.onProgress must be a function');
  return resolvePath(options.root);
}
