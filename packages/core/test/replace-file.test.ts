import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileOnce, replaceFile } from '@ext-compilers/core';

let directory = '';

test.before.each(async () => {
  directory = await mkdtemp(join(tmpdir(), 'core-replace-file-'));
});

test.after.each(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function rejects(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    await promise;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected a rejection');
}

test('replaces the content, mode 0600, and leaves no temporary file', async () => {
  const file = join(directory, 'settings.json');
  await writeFile(file, 'old', { mode: 0o644 });
  await replaceFile(file, 'new');
  assert.is(await readFile(file, 'utf8'), 'new');
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.equal(await readdir(directory), ['settings.json']);
});

test('creates a missing file; bytes and another mode', async () => {
  const file = join(directory, 'data.bin');
  await replaceFile(file, new Uint8Array([1, 2, 3]), { mode: 0o640 });
  assert.equal([...(await readFile(file))], [1, 2, 3]);
  assert.is((await stat(file)).mode & 0o777, 0o640);
});

test('a failed write leaves the old content and no temporary file', async () => {
  const file = join(directory, 'settings.json');
  await writeFile(file, 'old');
  const error = await rejects(replaceFile(file, 42 as unknown as string));
  assert.is(error.code, 'ERR_INVALID_ARG_TYPE');
  assert.is(await readFile(file, 'utf8'), 'old');
  assert.equal(await readdir(directory), ['settings.json']);
});

test('a failed rename leaves the target as it was and no temporary file', async () => {
  const target = join(directory, 'busy');
  await mkdir(target);
  await writeFile(join(target, 'inside'), 'kept');
  const error = await rejects(replaceFile(target, 'new'));
  assert.ok(['EISDIR', 'ENOTEMPTY', 'EEXIST', 'EPERM'].includes(error.code ?? ''), error.code);
  assert.is(await readFile(join(target, 'inside'), 'utf8'), 'kept');
  assert.equal(await readdir(directory), ['busy']);
});

test('createFileOnce: the first writer wins, later ones keep its content', async () => {
  const file = join(directory, 'secret.key');
  const outcomes = await Promise.all(['a', 'b', 'c'].map((content) => createFileOnce(file, content)));
  assert.equal(outcomes.filter(Boolean).length, 1);
  assert.is(await readFile(file, 'utf8'), ['a', 'b', 'c'][outcomes.indexOf(true)]);
  assert.is((await stat(file)).mode & 0o777, 0o600);
  assert.is(await createFileOnce(file, 'd'), false);
  assert.equal(await readdir(directory), ['secret.key']);
});

test.run();
