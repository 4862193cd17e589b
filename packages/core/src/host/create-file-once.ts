import { link, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReplaceFileOptions } from './replace-file.ts';
import { syncDirectory } from './sync-directory.ts';
import { writeTemporary } from './temporary-file.ts';

/**
 * Create `file` with `content` unless it exists; whether this call created it. The content is
 * written whole to a temporary file, then linked to `file`: link fails when the name exists, so
 * of several writers racing on one name exactly one wins, and no reader ever sees half a file.
 */
export async function createFileOnce(file: string, content: string | Uint8Array, options: ReplaceFileOptions = {}): Promise<boolean> {
  const temporary = await writeTemporary(file, content, options.mode ?? 0o600);
  let created = true;
  try {
    await link(temporary, file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      created = false;
    });
  } finally {
    await rm(temporary, { force: true });
  }
  await syncDirectory(dirname(file));
  return created;
}
