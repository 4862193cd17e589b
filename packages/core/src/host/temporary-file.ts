import { randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * `<basename>.<pid>.<random hex>.tmp`: a temporary file's name says which process owns it, so a
 * later start can tell a crashed writer's leftover from a live writer's file about to be renamed.
 */
export const TEMPORARY_FILE: RegExp = /^.+\.(\d+)\.[0-9a-f]+\.tmp$/;

/**
 * Write `content` to a new temporary file beside `file` (rename and link are atomic only within
 * one filesystem) and flush it to disk; the path of that file. Nothing is left behind on failure.
 */
export async function writeTemporary(file: string, content: string | Uint8Array, mode: number): Promise<string> {
  const temporary = join(dirname(file), `${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return temporary;
}
