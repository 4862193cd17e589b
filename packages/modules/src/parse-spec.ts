import { builtinModules } from 'node:module';
import { ExtCompilersError } from '@ext-compilers/core';

/** A package require: `name`, `name@version`, either with `/sub/path`; names may be scoped. */
export interface ModuleSpec {
  /** The text inside `require(…)`. */
  readonly spec: string;
  /** The package name, scope included: `lodash`, `@scope/pkg`. */
  readonly name: string;
  /** What follows `@`: an exact version, a range or a dist-tag; undefined when none is given. */
  readonly version: string | undefined;
  /** The path inside the package, without a leading slash: `fp`, `package.json`. */
  readonly subpath: string | undefined;
}

/** What a require names: a package, a Node built-in (`fs`, `node:fs`), or a file path. */
export type SpecKind = 'package' | 'builtin' | 'path';

// npm's rules for a name part, plus upper case for old packages. Nothing here can be `.`, `..`
// or hold a slash, so a name never escapes the store's directory.
const NAME_PART = /^(?![.]{1,2}$)[A-Za-z0-9~_-][A-Za-z0-9._~-]*$/;
// A version part: an exact version, a range (`^4`, `>=1 <2`, `1.x || 2`) or a dist-tag.
const VERSION = /^[A-Za-z0-9.^~<>=|*+\- ]{1,256}$/;
const BUILTINS = new Set(builtinModules);

/** Which kind of require `spec` is. */
export function specKind(spec: string): SpecKind {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('\\')) return 'path';
  const slash = spec.indexOf('/');
  if (spec.startsWith('node:') || BUILTINS.has(slash === -1 ? spec : spec.slice(0, slash))) return 'builtin';
  return 'package';
}

/**
 * Parse a package require. The version runs from the `@` after the name to the next `/`, so
 * `@scope/pkg@1.2.3/sub/path` and `ms@2.1.3/package.json` work (verquire could do neither).
 * Throws `ERR_MODULES_SPEC` for anything that is not a valid package require.
 */
export function parseSpec(spec: string): ModuleSpec {
  if (typeof spec !== 'string') throw new TypeError('A module spec must be a string');
  // Hooks name the same few specs on every compile: remember the answers (frozen, so they can be
  // shared), with a bound so that no stream of distinct specs can grow memory.
  let parsed = parsedSpecs.get(spec);
  if (parsed === undefined) {
    parsed = Object.freeze(parse(spec));
    if (parsedSpecs.size >= MAX_REMEMBERED) parsedSpecs.clear();
    parsedSpecs.set(spec, parsed);
  }
  return parsed;
}

const parsedSpecs = new Map<string, ModuleSpec>();
const MAX_REMEMBERED = 4096;

function parse(spec: string): ModuleSpec {
  const invalid = (why: string): ExtCompilersError =>
    new ExtCompilersError('ERR_MODULES_SPEC', `Invalid module spec ${JSON.stringify(spec)}: ${why}`, { details: { spec } });
  if (specKind(spec) !== 'package') throw invalid('not a package');
  const scoped = spec.startsWith('@');
  const nameEnd = scoped ? nextBoundary(spec, spec.indexOf('/') + 1) : nextBoundary(spec, 0);
  if (scoped && spec.indexOf('/') < 2) throw invalid('a scoped name is @scope/name');
  const name = spec.slice(0, nameEnd);
  for (const part of scoped ? [name.slice(1, name.indexOf('/')), name.slice(name.indexOf('/') + 1)] : [name]) {
    if (!NAME_PART.test(part) || part.length > 214) throw invalid('not a valid package name');
  }
  let rest = spec.slice(nameEnd);
  let version: string | undefined;
  if (rest.startsWith('@')) {
    const slash = rest.indexOf('/');
    version = slash === -1 ? rest.slice(1) : rest.slice(1, slash);
    rest = slash === -1 ? '' : rest.slice(slash);
    if (!VERSION.test(version)) throw invalid('not a valid version, range or tag');
  }
  const subpath = rest ? rest.slice(1) : undefined;
  if (subpath !== undefined && (subpath === '' || subpath.split('/').some((p) => p === '' || p === '.' || p === '..'))) {
    throw invalid('not a valid path inside the package');
  }
  return { spec, name, version, subpath };
}

/** The end of a name part that starts at `from`: the next `@` or `/`. */
function nextBoundary(spec: string, from: number): number {
  for (let i = from; i < spec.length; i++) {
    if (spec[i] === '@' || spec[i] === '/') return i;
  }
  return spec.length;
}
