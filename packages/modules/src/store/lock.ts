import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExtCompilersError } from '@ext-compilers/core';
import { HOST, ownedName } from './paths.ts';
import { ownerAlive } from './sweep.ts';

export interface LockOptions {
  /** How long to wait for a live owner, in milliseconds; then `ERR_MODULES_LOCKED`. */
  readonly timeout: number;
  /** A lock older than this (milliseconds) is stale even if its owner still runs. */
  readonly staleAfter: number;
  /** Named in the error message: the spec being installed, or `the index`. */
  readonly label: string;
}

const OWNER_FILE = 'owner.json';
// A lock directory without an owner file is a process that died between mkdir and writing it, or
// one about to write it: only after this long is it taken for the former.
const UNOWNED_GRACE = 5_000;

/**
 * Take the lock `directory`, waiting at most `timeout`. `mkdir` is atomic, so exactly one process
 * creates it; the owner file inside says who (host, pid, time). Returns the release function,
 * which removes the lock only while it is still ours.
 */
export async function acquireLock(directory: string, options: LockOptions): Promise<() => Promise<void>> {
  const owner = JSON.stringify({ host: HOST, pid: process.pid, time: Date.now(), token: ownedName() });
  const deadline = Date.now() + options.timeout;
  await mkdir(dirname(directory), { recursive: true });
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    if (await tryCreate(directory)) {
      await writeFile(join(directory, OWNER_FILE), owner);
      return () => release(directory, owner);
    }
    if (await takeOverIfStale(directory, options.staleAfter)) continue;
    if (Date.now() >= deadline) {
      throw new ExtCompilersError('ERR_MODULES_LOCKED', `Timed out after ${options.timeout} ms waiting for the lock on ${options.label}`, {
        details: { lock: basename(directory), timeout: options.timeout },
      });
    }
    await sleep(delay);
  }
}

async function tryCreate(directory: string): Promise<boolean> {
  try {
    await mkdir(directory);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whether the lock was stale and has been removed (or vanished), so that creating it may be retried. */
async function takeOverIfStale(directory: string, staleAfter: number): Promise<boolean> {
  const text = await readFile(join(directory, OWNER_FILE), 'utf8').catch(() => undefined);
  const info = await stat(directory).catch(() => undefined);
  if (info === undefined) return true;
  if (!isStale(text, Date.now() - info.mtimeMs, staleAfter)) return false;
  // Moving the stale lock aside is atomic, so of several waiters that judged it stale only one
  // gets it; that one checks it moved what it judged, and puts back a lock taken over meanwhile.
  const tomb = join(dirname(directory), `${basename(directory)}.stale-${ownedName()}`);
  try {
    await rename(directory, tomb);
  } catch {
    return true;
  }
  const moved = await readFile(join(tomb, OWNER_FILE), 'utf8').catch(() => undefined);
  if (moved !== text) {
    await rename(tomb, directory).catch(() => undefined);
    return false;
  }
  await rm(tomb, { recursive: true, force: true });
  return true;
}

function isStale(text: string | undefined, age: number, staleAfter: number): boolean {
  if (text === undefined) return age > UNOWNED_GRACE;
  try {
    const owner = JSON.parse(text) as { host?: unknown; pid?: unknown; time?: unknown };
    const since = typeof owner.time === 'number' ? Date.now() - owner.time : age;
    return !ownerAlive(String(owner.host), Number(owner.pid)) || since > staleAfter;
  } catch {
    return age > UNOWNED_GRACE;
  }
}

async function release(directory: string, owner: string): Promise<void> {
  const text = await readFile(join(directory, OWNER_FILE), 'utf8').catch(() => undefined);
  // Taken over as stale (we ran past staleAfter): the lock is someone else's now.
  if (text !== owner) return;
  const tomb = join(dirname(directory), `${basename(directory)}.released-${ownedName()}`);
  await rename(directory, tomb);
  await rm(tomb, { recursive: true, force: true });
}
