import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive, sweepTemporaryFiles } from '@ext-compilers/core';
import { HOST, TMP_DIR } from './paths.ts';

/** Whether the process that owns a `<host>-<pid>-…` name may still be running. */
export function ownerAlive(host: string, pid: number): boolean {
  // A pid means nothing on another machine sharing the store (NFS): only age can tell there.
  return host !== HOST || processAlive(pid);
}

/**
 * Remove what crashed processes left: in `.tmp`, entries whose owner is dead, or older than
 * `staleAfter` milliseconds (entries of live installs are kept); beside the index, the temporary
 * files of its atomic writes older than that (their names hold a pid but no host, so only age can
 * tell on a store several machines share).
 */
export async function sweepTmp(root: string, staleAfter: number): Promise<void> {
  const directory = join(root, TMP_DIR);
  const entries = await readdir(directory).catch(() => [] as string[]);
  await Promise.all([
    ...entries.map(async (entry) => {
      const [host = '', pid = ''] = entry.split('-');
      const age = await stat(join(directory, entry)).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (!ownerAlive(host, Number(pid)) || age > staleAfter) await rm(join(directory, entry), { recursive: true, force: true });
    }),
    sweepTemporaryFiles(root, { olderThan: staleAfter }),
  ]);
}
