import { rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDirectory } from './sync-directory.ts';
import { writeTemporary } from './temporary-file.ts';

/** Options of {@link replaceFile}. */
export interface ReplaceFileOptions {
  /** The new file's mode, as `open(2)` takes it (less the umask). Default `0o600`: its owner only. */
  mode?: number | undefined;
}

/**
 * Replace `file` so that after a crash at any point it holds the old content or the new, never a
 * mix: the new content goes to a temporary file in the same directory
 * (`<basename>.<pid>.<hex>.tmp`, see `sweepTemporaryFiles`), is flushed, renamed over the target,
 * and the directory entry flushed. On failure the temporary file is removed and `file` is as it was.
 */
export async function replaceFile(file: string, content: string | Uint8Array, options: ReplaceFileOptions = {}): Promise<void> {
  const temporary = await writeTemporary(file, content, options.mode ?? 0o600);
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(file));
}
