import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** The index of the store, verquire's `packages.json`: `{ "name": ["1.0.0", …] }`. */
export const INDEX_FILE = 'packages.json';
/** The dist-tags resolved at install time: `{ "name": { "latest": "2.1.3" } }`. */
export const TAGS_FILE = '.tags.json';
/** Work in progress: npm's temporary prefixes and the temporary files of atomic writes. */
export const TMP_DIR = '.tmp';
/** Cross-process lock directories. */
export const LOCKS_DIR = '.locks';

/** A short, path-safe name of this machine, so that pids are only compared on the host that owns them. */
export const HOST: string = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/**
 * `root` joined with `parts`, refusing any result outside `root`. Names and versions are
 * validated before they get here, but a hand-written `packages.json` is not, so every path is
 * checked where it is built.
 */
export function under(root: string, ...parts: string[]): string {
  const path = resolve(root, ...parts);
  const rel = relative(root, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new RangeError(`Path outside the module store: ${JSON.stringify(parts)}`);
  return path;
}

/** `<root>/<name>/<version>`: the prefix npm installed into; it holds the whole dependency closure. */
export function versionDirectory(root: string, name: string, version: string): string {
  return under(root, name, version);
}

/** `<root>/<name>/<version>/node_modules/<name>`: the package itself. */
export function packageDirectory(root: string, name: string, version: string): string {
  return join(versionDirectory(root, name, version), 'node_modules', name);
}

/** A fresh name for work in progress that says which process owns it: `<host>-<pid>-<random>`. */
export function ownedName(): string {
  return `${HOST}-${process.pid}-${randomBytes(6).toString('hex')}`;
}
