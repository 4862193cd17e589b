import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HOST, TMP_DIR, ownedName } from './store-paths.ts';

/**
 * Write `value` as JSON so that readers see the old file or the new one, never a mix: a temporary
 * file in the store's `.tmp` (same filesystem), flushed with fsync, renamed over the target, and
 * the directory entry flushed too.
 */
export async function writeJsonAtomic(root: string, file: string, value: unknown): Promise<void> {
  const tmp = join(root, TMP_DIR, `${ownedName()}.json`);
  await mkdir(dirname(tmp), { recursive: true });
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  await syncDirectory(dirname(file));
}

/** Flush a directory's entries (a rename into it). Not every platform can open a directory. */
export async function syncDirectory(directory: string): Promise<void> {
  try {
    const handle = await open(directory, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  }
}

/** Whether the process that owns a `<host>-<pid>-…` name may still be running. */
export function ownerAlive(host: string, pid: number): boolean {
  // A pid means nothing on another machine sharing the store (NFS): only age can tell there.
  if (host !== HOST) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what crashed processes left in `.tmp`: entries whose owner is dead, or older than
 * `staleAfter` milliseconds. Entries of live installs are kept.
 */
export async function sweepTmp(root: string, staleAfter: number): Promise<void> {
  const directory = join(root, TMP_DIR);
  const entries = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(entries.map(async (entry) => {
    const [host = '', pid = ''] = entry.split('-');
    const age = await stat(join(directory, entry)).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (!ownerAlive(host, Number(pid)) || age > staleAfter) await rm(join(directory, entry), { recursive: true, force: true });
  }));
}
