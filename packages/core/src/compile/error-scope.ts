import { createHash } from 'node:crypto';
import { type ErrorClassSpec, errorClassesSource } from '../errors/error-class.ts';
import * as family from '../errors/extensibility-user-error.ts';

/** The two forms of the prelude that puts error classes in a script's scope. */
export interface ErrorPrelude {
  /** Binds the classes from the realm's registry (one short line, one global read). */
  fast: string;
  /** Declares the classes in the script itself and registers them for the realm's next scripts. */
  inline: string;
  /** The registry's global name: in a realm without it, the fast prelude's ReferenceError names it. */
  missing: string;
}

/** The prelude a script needs for the error classes it mentions, or undefined when it mentions none. */
export type ErrorScope = (script: string) => ErrorPrelude | undefined;

const scopes = new WeakMap<readonly ErrorClassSpec[], ErrorScope>();

/**
 * The error classes of a point are created once per realm and shared, frozen, by every script
 * compiled there, instead of being declared again in each script. What a prelude costs a compile
 * is measured (bench/README.md): V8 spends about 15 ns per character of source, and every top-level
 * operation runs once with cold inline caches, so declaring four classes costs a typical hook half
 * its compile time while reading one global costs it a few percent. A script binds only the
 * classes it mentions by name, and one that mentions none gets no prelude at all.
 */
export function errorScope(specs: readonly ErrorClassSpec[]): ErrorScope {
  let scope = scopes.get(specs);
  if (!scope) {
    scope = createErrorScope(specs);
    scopes.set(specs, scope);
  }
  return scope;
}

function createErrorScope(specs: readonly ErrorClassSpec[]): ErrorScope {
  const names = ['ExtensibilityUserError', ...specs.map((spec) => spec.name)];
  const source = errorClassesSource(specs); // also checks the names
  const key = `__extCompilersErrors_${createHash('sha256').update(source).digest('hex').slice(0, 12)}`;
  register(key, hostClasses(specs));
  // A realm without the registry (a vm context) fails on the fast prelude, before any user code
  // runs; the script is then compiled again with the classes declared inline, which registers them
  // there, so the realm's next scripts take the fast path.
  const inline =
    `${source};if(!Object.hasOwn(globalThis,"${key}")){const c=Object.freeze({${names.join(',')}});` +
    'for(const k of Object.keys(c)){Object.freeze(c[k].prototype);Object.freeze(c[k])}' +
    `Object.defineProperty(globalThis,"${key}",{value:c})}`;
  const preludes = new Map<string, ErrorPrelude>(); // by the names used: at most 2^names.length
  const find = nameFinder(names);
  return (script) => {
    const used = find(script);
    if (used.length === 0) return undefined;
    const id = used.join();
    let prelude = preludes.get(id);
    if (!prelude) {
      prelude = { fast: `let{${id}}=${key};`, inline, missing: key };
      preludes.set(id, prelude);
    }
    return prelude;
  };
}

/**
 * Which of `names` occur in a script as whole identifiers. One `indexOf` pass per distinct
 * five-character suffix (every built-in name ends in `Error`), rather than a scan per name: on a
 * typical hook this is a fifth of the time.
 */
function nameFinder(names: readonly string[]): (script: string) => string[] {
  const known = new Set(names);
  const suffixes = [...new Set(names.map((name) => name.slice(-5)))];
  return (script) => {
    const found = new Set<string>();
    for (const suffix of suffixes) {
      for (let at = script.indexOf(suffix); at !== -1; at = script.indexOf(suffix, at + 1)) {
        const end = at + suffix.length;
        if (isIdentifierPart(script.charCodeAt(end))) continue;
        let start = at;
        while (start > 0 && isIdentifierPart(script.charCodeAt(start - 1))) start--;
        const name = script.slice(start, end);
        if (known.has(name)) found.add(name);
      }
    }
    return found.size === 0 ? [] : names.filter((name) => found.has(name));
  };
}

function isIdentifierPart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}

/** This realm's classes: core's own where the description matches, so `instanceof` works with them. */
function hostClasses(specs: readonly ErrorClassSpec[]): Record<string, typeof family.ExtensibilityUserError> {
  const classes: Record<string, typeof family.ExtensibilityUserError> = { ExtensibilityUserError: family.ExtensibilityUserError };
  for (const spec of specs) {
    const own = (family as Record<string, unknown>)[spec.name] as typeof family.ExtensibilityUserError | undefined;
    const ownHasFriendly = own === family.PreUserRegistrationError || own === family.SendPhoneMessageError;
    classes[spec.name] = own && ownHasFriendly === !!spec.friendlyMessage ? own : createClass(spec);
  }
  return classes;
}

function createClass(spec: ErrorClassSpec): typeof family.ExtensibilityUserError {
  const Class = spec.friendlyMessage
    ? class extends family.ExtensibilityUserError {
        friendlyMessage: string | undefined;
        constructor(message?: string, friendlyMessage?: string) {
          super(message);
          this.friendlyMessage = friendlyMessage || message;
        }
      }
    : class extends family.ExtensibilityUserError {};
  Object.defineProperty(Class, 'name', { value: spec.name });
  return Class;
}

// Non-writable and non-configurable, so no script can swap the classes another script gets.
function register(key: string, classes: Record<string, typeof family.ExtensibilityUserError>): void {
  if (Object.hasOwn(globalThis, key)) return;
  for (const Class of Object.values(classes)) {
    Object.freeze(Class.prototype);
    Object.freeze(Class);
  }
  Object.defineProperty(globalThis, key, { value: Object.freeze(classes) });
}
