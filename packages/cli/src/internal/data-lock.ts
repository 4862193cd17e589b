import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createFileOnce, processAlive } from '@ext-compilers/core';
import { CliError } from './errors.ts';

/** The lock `start` holds in its data directory: `{ "pid": …, "host": … }`. */
const LOCK_FILE = 'server.lock';

// Each round either takes the lock, refuses, or removes a lock whose process is gone: a few
// rounds only run out when other starts keep taking over the same stale lock.
const ROUNDS = 5;

/**
 * Hold `<data>/server.lock` for a server's life, so that two starts never race on the data
 * directory's files. The file is created whole and at once (core's createFileOnce: of two starts,
 * exactly one creates it) and names this process; a lock whose process is gone (a crash, kill -9)
 * is taken over; one whose process runs refuses, in one line naming its pid. Resolves to the
 * release, which removes the file while it is still ours.
 */
export async function lockDataDirectory(data: string): Promise<() => Promise<void>> {
  const file = join(data, LOCK_FILE);
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname() })}\n`;
  await mkdir(data, { recursive: true, mode: 0o700 });
  for (let round = 0; round < ROUNDS; round++) {
    if (await createFileOnce(file, mine, { mode: 0o644 })) return () => release(file, mine);
    const held = await readFile(file, 'utf8').catch(() => undefined);
    const owner = liveOwner(held);
    if (owner !== undefined) throw new CliError(`another server (pid ${owner}) runs over ${data}: stop it first, or choose another --data.`);
    if (held !== undefined) await removeUnchanged(file, held);
  }
  throw new CliError(`cannot take the lock ${file}: other starts keep taking it; start one server at a time.`);
}

/** The pid (with its host when not this one) of the process holding the lock, if it may be running. */
function liveOwner(text: string | undefined): string | undefined {
  let owner: { pid?: unknown; host?: unknown } = {};
  try {
    owner = JSON.parse(text ?? '{}') as typeof owner;
  } catch {
    // Not a lock this command wrote, nor one it can check: it names no process to wait for.
  }
  if (typeof owner.pid !== 'number') return undefined;
  // A pid says nothing about another machine's processes (a data directory on a shared disk).
  if (owner.host !== hostname()) return `${owner.pid} on ${String(owner.host)}`;
  return processAlive(owner.pid) ? String(owner.pid) : undefined;
}

/**
 * Remove the lock judged stale, unless another start took it over since: moving it aside is
 * atomic, so of several starts that judged it, one moves it; a lock that is not the one judged
 * (taken over meanwhile) is put back, and the next round reads it again.
 */
async function removeUnchanged(file: string, judged: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  if (!(await rename(file, aside).then(() => true, () => false))) return;
  if ((await readFile(aside, 'utf8').catch(() => judged)) !== judged) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

async function release(file: string, mine: string): Promise<void> {
  if ((await readFile(file, 'utf8').catch(() => undefined)) === mine) await rm(file, { force: true });
}
