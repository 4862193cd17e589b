import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { ExtCompilersError, type ExtCompilersErrorCode, syncDirectory } from '@ext-compilers/core';
import type { ModuleSpec } from '../parse-spec.ts';
import type { InstallProgress } from '../types.ts';
import { acquireLock } from '../store/lock.ts';
import { type NpmSettings, npmFailure, runNpm } from './npm.ts';
import { pickVersion, recordVersion, type StoreReader } from '../store/packages-index.ts';
import { LOCKS_DIR, TMP_DIR, ownedName, under, versionDirectory } from '../store/paths.ts';

/** Everything an install needs from its store. */
export interface InstallContext {
  readonly root: string;
  readonly npm: NpmSettings;
  readonly lockTimeout: number;
  readonly read: StoreReader;
  /** Bounds how many npm processes this store runs at once. */
  readonly slot: <T>(run: () => Promise<T>) => Promise<T>;
}

/** How an install ended: the exact version now in the store, or the coded error. */
export type InstallOutcome = { readonly version: string; readonly error?: undefined } | { readonly version?: undefined; readonly error: Error };

type Emit = (state: InstallProgress['state'], extra?: { version?: string; message?: string }) => void;

// A lock held longer than an install may last (plus time to move it into place) is abandoned.
const LOCK_SLACK = 60_000;
// The index lock is held for two small file writes.
const INDEX_STALE_AFTER = 30_000;

/**
 * Install `spec` into the store unless another process has meanwhile: under the package's
 * cross-process lock, re-read the index; otherwise npm installs into a fresh `.tmp` prefix, the
 * prefix is renamed to `<root>/<name>/<version>`, and only then is the version added to the index.
 * A crash at any point leaves the version absent (at worst an unlisted directory, replaced by the
 * next install) and work in `.tmp` that the next store sweeps. Never rejects.
 */
export async function installSpec(ctx: InstallContext, spec: ModuleSpec, emit: Emit): Promise<InstallOutcome> {
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireLock(under(ctx.root, LOCKS_DIR, `${encodeURIComponent(spec.name)}.install.lock`), {
      timeout: ctx.lockTimeout,
      staleAfter: ctx.npm.timeout + LOCK_SLACK,
      label: spec.spec,
    });
    // Another process may have installed it while this one waited for the lock.
    const ready = pickVersion(ctx.read(true), spec);
    const version = ready ?? (await ctx.slot(() => installIntoPlace(ctx, spec, emit)));
    emit('available', { version });
    return { version };
  } catch (caught) {
    const error = asCoded(spec.spec, caught);
    emit('failed', { message: error.message });
    return { error };
  } finally {
    await release?.().catch(() => undefined);
  }
}

async function installIntoPlace(ctx: InstallContext, spec: ModuleSpec, emit: Emit): Promise<string> {
  emit('installing');
  const prefix = under(ctx.root, TMP_DIR, ownedName());
  try {
    await mkdir(prefix, { recursive: true });
    const run = await runNpm(prefix, `${spec.name}@${spec.version ?? 'latest'}`, ctx.npm);
    if (run.exitCode !== 0 || run.timedOut || run.spawnError !== undefined) throw npmFailure(spec.spec, run, ctx.npm.timeout);
    const version = await installedVersion(prefix, spec);
    // A tag may name a version that is already here: then only the tag is new.
    if (!ctx.read(true).versions(spec.name).includes(version)) await moveIntoPlace(ctx.root, prefix, spec.name, version);
    await withIndexLock(ctx, spec, () => recordVersion(ctx.root, spec.name, version, tagOf(spec)));
    ctx.read(true);
    return version;
  } finally {
    await rm(prefix, { recursive: true, force: true });
  }
}

/** The exact version npm installed, from its package.json, checked before it becomes a directory name. */
async function installedVersion(prefix: string, spec: ModuleSpec): Promise<string> {
  const manifest = JSON.parse(await readFile(join(prefix, 'node_modules', spec.name, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  const version = typeof manifest.version === 'string' ? semver.valid(manifest.version) : null;
  if (manifest.name !== spec.name || version === null || version !== manifest.version) {
    throw new ExtCompilersError('ERR_MODULES_INSTALL', `Cannot install ${spec.spec}: npm installed an unexpected package`, {
      details: { spec: spec.spec, name: manifest.name, version: manifest.version },
    });
  }
  return version;
}

/** Rename the finished prefix into place: atomic within one filesystem, which `.tmp` is on. */
async function moveIntoPlace(root: string, prefix: string, name: string, version: string): Promise<void> {
  const target = versionDirectory(root, name, version);
  await mkdir(dirname(target), { recursive: true });
  // A directory the index does not list was renamed here by a process that died before it could
  // record it (or written by hand): it does not count, and this install replaces it.
  if (await stat(target).then(() => true, () => false)) {
    const aside = under(root, TMP_DIR, ownedName());
    await rename(target, aside);
    await rm(aside, { recursive: true, force: true });
  }
  await rename(prefix, target);
  await syncDirectory(dirname(target));
}

async function withIndexLock(ctx: InstallContext, spec: ModuleSpec, update: () => Promise<void>): Promise<void> {
  const release = await acquireLock(under(ctx.root, LOCKS_DIR, 'index.lock'), {
    timeout: ctx.lockTimeout,
    staleAfter: INDEX_STALE_AFTER,
    label: `the store index (installing ${spec.spec})`,
  });
  try {
    await update();
  } finally {
    await release();
  }
}

/** The dist-tag a spec asked by, to be recorded: `latest` when it names no version. */
function tagOf(spec: ModuleSpec): string | undefined {
  const wanted = spec.version ?? 'latest';
  return semver.valid(wanted) === null && semver.validRange(wanted) === null ? wanted : undefined;
}

function asCoded(spec: string, error: unknown): Error {
  const { code, message, details } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code === 'string' && code.startsWith('ERR_MODULES_') && String(message).includes(spec)) return error as Error;
  return new ExtCompilersError(
    typeof code === 'string' && code.startsWith('ERR_MODULES_') ? (code as ExtCompilersErrorCode) : 'ERR_MODULES_INSTALL',
    `Cannot install ${spec}: ${typeof message === 'string' ? message : String(error)}`,
    { cause: error, details: { ...(typeof details === 'object' ? details : {}), spec } },
  );
}
