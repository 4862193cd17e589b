import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from './process-alive.ts';
import { TEMPORARY_FILE } from './temporary-file.ts';

/** Options of {@link sweepTemporaryFiles}. */
export interface SweepTemporaryFilesOptions {
  /**
   * Judge by age instead of by pid: remove the temporary files not modified for this many
   * milliseconds, whoever owns them. For a directory several machines share (NFS), where a pid
   * says nothing.
   */
  olderThan?: number | undefined;
}

/**
 * Remove the temporary files (`<basename>.<pid>.<hex>.tmp`) that `replaceFile` and
 * `createFileOnce` calls of processes no longer running left in `directory` (a crash between
 * writing and renaming). A live process's file is left alone: it may be about to be renamed. A
 * missing directory has nothing to sweep; only files are considered, never directories.
 */
export async function sweepTemporaryFiles(directory: string, options: SweepTemporaryFilesOptions = {}): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  await Promise.all(entries.map(async (entry) => {
    const pid = entry.isFile() ? TEMPORARY_FILE.exec(entry.name)?.[1] : undefined;
    if (pid === undefined) return;
    const path = join(directory, entry.name);
    if (await abandoned(path, Number(pid), options.olderThan)) await rm(path, { force: true });
  }));
}

async function abandoned(path: string, pid: number, olderThan: number | undefined): Promise<boolean> {
  if (olderThan === undefined) return !processAlive(pid);
  const modified = await stat(path).then((info) => info.mtimeMs, () => Date.now());
  return Date.now() - modified > olderThan;
}
