import { join } from 'node:path';
import MagicString from 'magic-string';
import { analyze } from './analyze.ts';
import { scanDirectives } from './source/directives.ts';
import { lineIndex } from './source/lines.ts';
import { type SiteOf, siteOf } from './source/require-site.ts';
import { scanRequires } from './source/scan-requires.ts';
import { resolveVersions, versionKey } from './prepare/resolve-versions.ts';
import type { ModuleSpec } from './parse-spec.ts';
import type { ModuleStore, RequireSite, ResolvedModule } from './types.ts';

export interface PrepareOptions {
  /** The store versioned requires resolve against. */
  store: ModuleStore;
  /** Install missing versions (one `store.ensure()` call for all of them) before failing; default false. */
  install?: boolean;
  /** The name the source map gives the original source; default `webtask.js`. */
  filename?: string;
}

/** One require of the prepared script. */
export interface PreparedRequire {
  /** The literal text, or undefined for a dynamic require. */
  readonly spec: string | undefined;
  readonly kind: RequireSite['kind'];
  /** For package requires: the name, the version as written (exact, range or tag) and the subpath. */
  readonly name: string | undefined;
  readonly version: string | undefined;
  readonly subpath: string | undefined;
  /** For rewritten requires: the exact version from the store, and the absolute path now required. */
  readonly resolvedVersion: string | undefined;
  readonly path: string | undefined;
  readonly dynamic: boolean;
  /** Where the argument is in the user's source: 1-based line, 0-based column. */
  readonly line: number;
  readonly column: number;
}

/** A source map (version 3) as a plain, JSON-ready object. */
export interface SourceMapObject {
  readonly version: number;
  readonly sources: readonly string[];
  readonly sourcesContent: readonly (string | null)[] | undefined;
  readonly names: readonly string[];
  readonly mappings: string;
}

export interface PrepareResult {
  /** The source to compile as CommonJS; line and column layout unchanged outside rewritten literals. */
  readonly code: string;
  readonly requires: readonly PreparedRequire[];
  /** Maps `code` back to the user's source; undefined when the script has no `'use npm'` (code unchanged). */
  readonly map: SourceMapObject | undefined;
}

/**
 * Make a script's versioned requires load from the store. With `'use npm'` at the top, every
 * `require('name@version[/subpath]')` literal becomes the absolute path of that version in the
 * store, so a standard CommonJS compile of `code` loads exactly it: nothing global is patched.
 * Unversioned packages, built-ins and paths resolve as Node resolves them from the host. Without
 * the directive the code is returned unchanged, unparsed, with no `requires` (`analyze()` lists
 * them). Requires are found by a linear scan (acorn parses where the scan is unsure), so a syntax
 * error is reported here as `ERR_COMPILE_SYNTAX` or by the compile that follows, either way at
 * the user's own line. Rejects with `ERR_COMPILE_SYNTAX`, `ERR_MODULES_SPEC` or
 * `ERR_MODULES_MISSING` (`details: { specs }`).
 */
export async function prepare(code: string, options: PrepareOptions): Promise<PrepareResult> {
  if (typeof options?.store?.resolve !== 'function') throw new TypeError('prepare() needs options.store, a ModuleStore');
  // Without the directive nothing is rewritten, so nothing is parsed: a runtime calls prepare() on
  // every compile, and parsing costs several times the compile itself.
  if (!scanDirectives(code).npm) return { code, requires: [], map: undefined };
  const sites = findSites(code);
  const { store } = options;
  // One pass: each versioned require is looked up as it comes (the store answers from a memo);
  // only when some are missing does anything wait, for one ensure() of them all.
  let resolved: (ResolvedModule | undefined)[] = sites.map((site) => (isVersioned(site) ? store.resolve(storeKey(site.module)) : undefined));
  if (sites.some((site, k) => isVersioned(site) && resolved[k] === undefined)) {
    const found = await resolveVersions(sites.flatMap((site) => (isVersioned(site) ? [site.module] : [])), store, options.install === true);
    resolved = sites.map((site) => (isVersioned(site) ? found.get(versionKey(site.module)) : undefined));
  }
  const edits: Edit[] = [];
  const paths = sites.map((site, k) => {
    const module = resolved[k];
    if (module === undefined) return undefined;
    const subpath = site.module?.subpath;
    const path = subpath === undefined ? module.directory : join(module.directory, subpath);
    // Only the literal changes, so every other token keeps its line and column.
    edits.push({ start: site.start, end: site.end, text: JSON.stringify(path) });
    return path;
  });
  const filename = options.filename ?? 'webtask.js';
  return lazily(applyEdits(code, edits), {
    requires: () => {
      const position = forwardPositions(code);
      return sites.map((site, k) => prepared(site, position(site.start), resolved[k], paths[k]));
    },
    map: () => sourceMap(code, edits, filename),
  });
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The code with each literal replaced; `edits` are in source order and do not overlap. */
function applyEdits(code: string, edits: readonly Edit[]): string {
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += code.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + code.slice(at);
}

/**
 * The script's require sites: from the linear scan, or from acorn's parse where the scan is not
 * sure (then a syntax error is `ERR_COMPILE_SYNTAX` here). The scan does not look for syntax
 * errors otherwise: the compile that follows reports them, at the user's own lines.
 */
function findSites(code: string): readonly SiteOf[] {
  const scanned = scanRequires(code);
  if (scanned === undefined) return analyze(code).requires;
  return scanned.map(({ spec, start, end }) => siteOf(spec, start, end));
}

/**
 * Line and column of increasing offsets, counting line breaks from the previous offset on: the
 * scan reports sites in source order, so this reads the code once (lineIndex indexes every line).
 */
function forwardPositions(code: string): (offset: number) => { line: number; column: number } {
  // With only `\n` line breaks (nearly every script), jump between them natively.
  const onlyNewlines = !/[\r\u2028\u2029]/.test(code);
  let line = 1;
  let lineStart = 0;
  let at = 0;
  return (offset) => {
    if (offset < at || !onlyNewlines) return lineIndex(code)(offset);
    for (let next = code.indexOf('\n', at); next !== -1 && next < offset; next = code.indexOf('\n', next + 1)) {
      line++;
      lineStart = next + 1;
    }
    at = offset;
    return { line, column: offset - lineStart };
  };
}

/** `name@version`, which is the spec itself when there is no subpath (the store's memo key). */
function storeKey(module: ModuleSpec): string {
  return module.subpath === undefined ? module.spec : versionKey(module);
}

function isVersioned(site: SiteOf): site is SiteOf & { module: ModuleSpec } {
  return site.module !== undefined && site.module.version !== undefined;
}

function prepared(site: SiteOf, place: { line: number; column: number }, module: ResolvedModule | undefined, path: string | undefined): PreparedRequire {
  const { spec, kind, dynamic } = site;
  const { name, version, subpath } = site.module ?? { name: undefined, version: undefined, subpath: undefined };
  return { spec, kind, name, version, subpath, resolvedVersion: module?.version, path, dynamic, line: place.line, column: place.column };
}

/**
 * The result with `requires` and `map` as enumerable getters, each computed once on first read:
 * a compile needs only `code`, and the two cost as much as the rest of prepare() (the map alone
 * several times the scan). The result still spreads, serializes and compares as a plain object.
 */
function lazily(code: string, compute: { requires: () => readonly PreparedRequire[]; map: () => SourceMapObject }): PrepareResult {
  let requires: readonly PreparedRequire[] | undefined;
  let map: SourceMapObject | undefined;
  return Object.defineProperties(
    { code },
    {
      requires: { enumerable: true, get: () => (requires ??= compute.requires()) },
      map: { enumerable: true, get: () => (map ??= compute.map()) },
    },
  ) as PrepareResult;
}

/** A hi-res source map of the edits, made by replaying them with magic-string. */
function sourceMap(code: string, edits: readonly Edit[], filename: string): SourceMapObject {
  const source = new MagicString(code);
  for (const edit of edits) source.overwrite(edit.start, edit.end, edit.text);
  const { version, sources, sourcesContent, names, mappings } = source.generateMap({ hires: true, source: filename, includeContent: true });
  return { version, sources, sourcesContent, names, mappings };
}
