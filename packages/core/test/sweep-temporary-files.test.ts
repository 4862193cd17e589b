import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepTemporaryFiles } from '@ext-compilers/core';

let directory = '';
// The pid of a process that has exited.
const dead = spawnSync(process.execPath, ['-e', '']).pid!;

test.before.each(async () => {
  directory = await mkdtemp(join(tmpdir(), 'core-sweep-'));
});

test.after.each(async () => {
  await rm(directory, { recursive: true, force: true });
});

test("removes dead processes' temporary files; keeps live ones', directories and other files", async () => {
  await writeFile(join(directory, `a.json.${dead}.0a1b.tmp`), '');
  await writeFile(join(directory, `a.json.${process.pid}.0a1b.tmp`), '');
  await writeFile(join(directory, 'a.json'), '');
  await writeFile(join(directory, 'notes.tmp'), '');
  await mkdir(join(directory, `pkg.${dead}.ab.tmp`));
  await sweepTemporaryFiles(directory);
  assert.equal((await readdir(directory)).sort(), ['a.json', `a.json.${process.pid}.0a1b.tmp`, 'notes.tmp', `pkg.${dead}.ab.tmp`]);
});

test('olderThan: by age, whoever owns them', async () => {
  const old = join(directory, `a.json.${process.pid}.01.tmp`);
  await writeFile(old, '');
  await writeFile(join(directory, `a.json.${dead}.02.tmp`), '');
  await utimes(old, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  await sweepTemporaryFiles(directory, { olderThan: 30_000 });
  assert.equal(await readdir(directory), [`a.json.${dead}.02.tmp`]);
});

test('a missing directory has nothing to sweep', async () => {
  await sweepTemporaryFiles(join(directory, 'missing'));
});

test.run();
