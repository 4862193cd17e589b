import type { ModuleSpec } from './parse-spec.ts';

/** One `require(…)` found in a script. */
export interface RequireSite {
  /** The literal text, or undefined for a dynamic require (`require(name)`, a template with expressions). */
  readonly spec: string | undefined;
  readonly kind: 'package' | 'builtin' | 'path' | 'dynamic';
  /** For package requires: the parsed spec. */
  readonly module: ModuleSpec | undefined;
  readonly dynamic: boolean;
  /** Offsets of the argument (the string literal) in the source, and its 1-based line and 0-based column. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** What `analyze()` reports. */
export interface Analysis {
  /** The `'use npm'` / `'use latest'` directives at the top of the script. */
  readonly directives: { readonly npm: boolean; readonly latest: boolean };
  readonly requires: readonly RequireSite[];
}

/** A version in the store. */
export interface ResolvedModule {
  readonly name: string;
  /** The exact version. */
  readonly version: string;
  /** `<root>/<name>/<version>/node_modules/<name>`: what a rewritten require points at. */
  readonly directory: string;
}

/** A progress event of `ensure()`. */
export interface InstallProgress {
  readonly spec: string;
  readonly state: 'queued' | 'installing' | 'available' | 'failed';
  readonly version?: string;
  readonly message?: string;
}

/** The outcome of `ensure()` for one spec. */
export interface EnsureResult {
  readonly spec: string;
  readonly name: string;
  /** The exact version now in the store (a range or tag resolved), when available. */
  readonly version: string | undefined;
  readonly state: 'available' | 'failed';
  /** The coded error (`ERR_MODULES_*`) when failed. */
  readonly error?: Error;
}

/** The List Modules listing: Node's built-ins (version `native`) and every version in the store. */
export interface ModuleListing {
  readonly node_version: string;
  readonly modules: readonly { readonly name: string; readonly version: string }[];
}

/** A side-by-side versioned module store in verquire's layout. */
export interface ModuleStore {
  readonly root: string;
  /** Install what is missing (ranges and tags resolved to exact versions); never rejects for a failed spec. */
  ensure(specs: readonly (string | ModuleSpec)[], options?: { onProgress?: (event: InstallProgress) => void }): Promise<EnsureResult[]>;
  /** The installed version that satisfies the spec's version (exact, range or tag), without running any code. */
  resolve(spec: string | ModuleSpec): ResolvedModule | undefined;
  /** The exact versions of `name` in the store, ascending. */
  versions(name: string): readonly string[];
  list(): Promise<ModuleListing>;
}
