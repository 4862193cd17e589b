import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Mode of every file the store writes: its owner only. Directories get 0700. */
export const FILE_MODE = 0o600;
export const DIRECTORY_MODE = 0o700;

const TEMPORARY = /^.+\.(\d+)\.[0-9a-f]+\.tmp$/;

/** A temporary name beside `file`, owned by this process (the pid lets a later start sweep it). */
export function temporaryFor(file: string): string {
  return join(dirname(file), `${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Write `content` to a new file (never an existing one) and flush it to disk before returning. */
export async function writeNewFile(file: string, content: string | Buffer): Promise<void> {
  const handle = await open(file, 'wx', FILE_MODE);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replace `file` so that after a crash at any point it holds the old content or the new, never a
 * mix: the new content goes to a temporary file in the same directory (rename is atomic only
 * within one filesystem), is flushed, renamed over the target, and the directory entry flushed.
 */
export async function replaceFile(file: string, content: string): Promise<void> {
  const temporary = temporaryFor(file);
  try {
    await writeNewFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(file));
}

/** Remove `file` (if present) and flush the directory, so the removal survives a crash. */
export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
  await syncDirectory(dirname(file));
}

/** Flush a directory's entries. Not every platform can open a directory. */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Windows cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}

/**
 * Remove the temporary files that processes which are no longer running left in `directory`
 * (a crash between writing and renaming). A live process's temporary file is left alone: it may be
 * about to be renamed.
 */
export async function sweepTemporary(directory: string): Promise<void> {
  const entries = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(entries.map(async (entry) => {
    const pid = TEMPORARY.exec(entry)?.[1];
    if (pid !== undefined && !running(Number(pid))) await rm(join(directory, entry), { force: true });
  }));
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
