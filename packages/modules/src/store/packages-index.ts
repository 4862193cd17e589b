import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import semver from 'semver';
import { ExtCompilersError, replaceFile } from '@ext-compilers/core';
import { type ModuleSpec, parseSpec } from '../parse-spec.ts';
import { INDEX_FILE, TAGS_FILE, packageDirectory } from './paths.ts';

/** What the store holds right now: the index, the recorded tags, and which versions are on disk. */
export interface StoreView {
  /** Every name in the index, sorted. */
  names(): readonly string[];
  /** The versions of `name` that are in the index and on disk, ascending. */
  versions(name: string): readonly string[];
  /** The version a dist-tag of `name` resolved to when it was installed. */
  tag(name: string, tag: string): string | undefined;
}

type Versions = ReadonlyMap<string, readonly string[]>;
type Tags = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Reads the store: `read()` may answer from a check made in the last few milliseconds, `read(true)` looks now. */
export type StoreReader = (fresh?: boolean) => StoreView;

// How long a check of the index stays good for `read()`. Resolution runs for every versioned
// require of every compile; a few milliseconds of lag on another process's install is invisible,
// one stat per require is not. This store's own installs re-read at once.
const RECHECK_AFTER_MS = 20;

/**
 * A reader that re-reads `packages.json` and `.tags.json` only when a file changed (each write is
 * a rename, so a new inode, mtime or size tells). Each change makes a new view, so a caller can
 * keep per-view memos; which versions are on disk is checked once per name and view.
 */
export function createStoreReader(root: string): StoreReader {
  const index = cachedFile(join(root, INDEX_FILE), parseIndex);
  const tags = cachedFile(join(root, TAGS_FILE), parseTags);
  let view: StoreView | undefined;
  let checked = 0;
  let seen: [Versions, Tags] | undefined;
  return (fresh = false) => {
    const now = performance.now();
    if (view !== undefined && !fresh && now - checked < RECHECK_AFTER_MS) return view;
    checked = now;
    const current: [Versions, Tags] = [index(), tags()];
    if (view === undefined || seen?.[0] !== current[0] || seen[1] !== current[1]) {
      seen = current;
      view = createView(root, ...current);
    }
    return view;
  };
}

function createView(root: string, versions: Versions, tags: Tags): StoreView {
  const present = new Map<string, readonly string[]>();
  return {
    names: () => [...versions.keys()].sort(),
    versions(name) {
      let onDiskVersions = present.get(name);
      if (onDiskVersions === undefined) {
        onDiskVersions = (versions.get(name) ?? []).filter((version) => onDisk(root, name, version));
        present.set(name, onDiskVersions);
      }
      return onDiskVersions;
    },
    tag: (name, tag) => tags.get(name)?.get(tag),
  };
}

/**
 * The installed version that `spec` asks for: the exact version; the highest installed version
 * satisfying a range; for a dist-tag, the version it was resolved to at install time, and for
 * `latest` (or no version) never installed by tag, the highest installed version.
 */
export function pickVersion(view: StoreView, spec: ModuleSpec): string | undefined {
  const installed = view.versions(spec.name);
  if (installed.length === 0) return undefined;
  const wanted = spec.version ?? 'latest';
  const exact = semver.valid(wanted);
  if (exact !== null) return installed.includes(exact) ? exact : undefined;
  if (semver.validRange(wanted) !== null) return semver.maxSatisfying(installed as string[], wanted) ?? undefined;
  const tagged = view.tag(spec.name, wanted);
  if (tagged !== undefined) return installed.includes(tagged) ? tagged : undefined;
  return wanted === 'latest' ? installed.at(-1) : undefined;
}

/**
 * Add `version` of `name` to the index (and record the tag it was asked by). The caller holds the
 * index lock, so concurrent installs of different packages never lose an entry; entries this
 * store does not understand (hand-written ones) are kept as they are.
 */
export async function recordVersion(root: string, name: string, version: string, tag: string | undefined): Promise<void> {
  const index = await readJsonObject(join(root, INDEX_FILE));
  const listed = Array.isArray(index.get(name)) ? (index.get(name) as unknown[]) : [];
  index.set(name, [...new Set([...listed, version])].sort((a, b) => compareVersions(String(a), String(b))));
  // Written even when the version was listed (its directory had gone and is back): a new index
  // file is how every reader, in any process, learns that the store changed.
  await writeJson(join(root, INDEX_FILE), Object.fromEntries(index));
  if (tag === undefined) return;
  const tags = await readJsonObject(join(root, TAGS_FILE));
  const own = tags.get(name);
  tags.set(name, { ...(typeof own === 'object' && own !== null ? own : {}), [tag]: version });
  await writeJson(join(root, TAGS_FILE), Object.fromEntries(tags));
}

/**
 * Write `value` as JSON so that readers, in any process, see the old file or the new one, never a
 * mix. Mode 0666 less the umask, as npm's own files: the store is read by whoever runs its modules.
 */
function writeJson(file: string, value: unknown): Promise<void> {
  return replaceFile(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o666 });
}

/** Semver order; anything that is not a version sorts after, by text. */
export function compareVersions(a: string, b: string): number {
  const va = semver.valid(a);
  const vb = semver.valid(b);
  if (va !== null && vb !== null) return semver.compare(va, vb);
  if (va !== null || vb !== null) return va !== null ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function onDisk(root: string, name: string, version: string): boolean {
  try {
    return existsSync(join(packageDirectory(root, name, version), 'package.json'));
  } catch {
    return false;
  }
}

/** `parse` of the file's text, re-run only when the file changed; a missing file is `parse(undefined)`. */
function cachedFile<T>(file: string, parse: (text: string | undefined) => T): () => T {
  let key: string | undefined;
  let value: T | undefined;
  return () => {
    const info = statSync(file, { throwIfNoEntry: false });
    const now = info === undefined ? 'missing' : `${info.ino}:${info.mtimeMs}:${info.size}`;
    if (now !== key || value === undefined) {
      value = parse(info === undefined ? undefined : readQuietly(file));
      key = now;
    }
    return value;
  };
}

function readQuietly(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// Only exact versions count: they are what verquire and npm write, and nothing else may become a
// directory name.
function parseIndex(text: string | undefined): Versions {
  const versions = new Map<string, readonly string[]>();
  for (const [name, list] of objectEntries(text)) {
    if (!Array.isArray(list) || !isPackageName(name)) continue;
    const exact = list.filter((v): v is string => typeof v === 'string' && semver.valid(v) === v);
    versions.set(name, [...new Set(exact)].sort(semver.compare));
  }
  return versions;
}

function isPackageName(name: string): boolean {
  try {
    const spec = parseSpec(name);
    return spec.version === undefined && spec.subpath === undefined;
  } catch {
    return false;
  }
}

function parseTags(text: string | undefined): Tags {
  const tags = new Map<string, ReadonlyMap<string, string>>();
  for (const [name, record] of objectEntries(text)) {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    tags.set(name, new Map(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string')));
  }
  return tags;
}

function objectEntries(text: string | undefined): [string, unknown][] {
  if (text === undefined) return [];
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
  } catch {
    return [];
  }
}

/** The JSON object in `file` as a map (so a package named `__proto__` is a plain key), `{}` when absent. */
async function readJsonObject(file: string): Promise<Map<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '{}';
    throw error;
  });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  // Rewriting a file we cannot read would drop whatever a person wrote there by hand.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExtCompilersError('ERR_MODULES_INSTALL', `The store's ${basename(file)} is not a JSON object; fix or remove it`, { details: { file } });
  }
  return new Map(Object.entries(value));
}
