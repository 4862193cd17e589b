import { open } from 'node:fs/promises';

/**
 * Flush a directory's entries to disk, so that a rename, link, creation or removal in it survives
 * a crash. Platforms that cannot open a directory (Windows) are skipped: a rename is still atomic there.
 */
export async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Not every platform can open or fsync a directory.
  } finally {
    await handle?.close();
  }
}
