import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage, simulate } from '@ext-compilers/runtime';

type Storage = ReturnType<typeof createStorage>;

const get = (storage: Storage) =>
  new Promise<unknown>((resolve, reject) => storage.get((error, data) => (error ? reject(error) : resolve(data))));
const set = (storage: Storage, data: unknown, options: Record<string, unknown> = {}) =>
  new Promise<Error | null>((resolve) => storage.set(data, options, (error) => resolve(error)));

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return assert.unreachable('should have thrown');
}

test('save: every set is handed over in order, a failed save fails its set', async () => {
  const saved: (string | undefined)[] = [];
  let fail = false;
  const storage = createStorage({
    initialData: { n: 0 },
    save: async (json) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('disk full');
      saved.push(json);
    },
  });
  await get(storage);
  const writes = await Promise.all([set(storage, { n: 1 }, { force: true }), set(storage, { n: 2 }, { force: true }), set(storage, null, { force: true })]);
  assert.equal([writes, saved], [[null, null, null], ['{"n":1}', '{"n":2}', undefined]]);
  fail = true;
  assert.is((await set(storage, { n: 3 }, { force: true }))?.message, 'disk full');
  assert.throws(() => createStorage({ file: '/tmp/x.json', save: async () => {} }), /either file or save/);
});

test('save: each set says the etag it expects; a saver holding another document refuses it with 409, and the document takes its data', async () => {
  const etagOf = (data: unknown) => createHash('sha1').update(JSON.stringify(data)).digest('base64');
  // The store behind the saver, which another writer changed after the document was loaded.
  let stored: unknown = { v: 'other writer' };
  const calls: [string | undefined, string | null | undefined][] = [];
  const storage = createStorage({
    initialData: { v: 1 },
    save: async (json, expected) => {
      calls.push([json, expected]);
      if (expected !== undefined && expected !== etagOf(stored)) return { conflict: stored };
      stored = json === undefined ? null : JSON.parse(json);
    },
  });
  assert.equal(await get(storage), { v: 1 });
  const conflict = (await set(storage, { v: 2 })) as Error & { code: number; conflict: unknown };
  assert.equal([conflict.code, conflict.conflict, stored], [409, { v: 'other writer' }, { v: 'other writer' }]);
  assert.equal(await get(storage), { v: 'other writer' });
  assert.is(await set(storage, { v: 3 }), null);
  assert.is(await set(storage, { v: 4 }, { force: 1 }), null);
  assert.equal(calls, [
    ['{"v":2}', etagOf({ v: 1 })],
    ['{"v":3}', etagOf({ v: 'other writer' })],
    ['{"v":4}', undefined],
  ]);
  assert.equal([stored, await get(storage)], [{ v: 4 }, { v: 4 }]);
});

test('save: a set shows only once saved, and a failed save leaves the document as it was', async () => {
  let release = () => {};
  let fail = false;
  const storage = createStorage({
    initialData: { n: 0 },
    save: (json) => new Promise((resolve, reject) => (release = () => (fail ? reject(new Error(`not saved: ${json}`)) : resolve()))),
  });
  await get(storage);
  const written = set(storage, { n: 1 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(await get(storage), { n: 0 }, 'not saved yet');
  release();
  assert.is(await written, null);
  assert.equal(await get(storage), { n: 1 });
  fail = true;
  const failed = set(storage, { n: 2 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  release();
  assert.is((await failed)?.message, 'not saved: {"n":2}');
  assert.equal(await get(storage), { n: 1 });
});

test('empty storage reads null; initialData seeds it; get gives a copy', async () => {
  assert.is(await get(createStorage()), null);
  const storage = createStorage({ initialData: { n: 1 } });
  const first = (await get(storage)) as { n: number };
  first.n = 2;
  assert.equal(await get(storage), { n: 1 });
});

test('set after get writes; set(null) clears; callbacks are asynchronous', async () => {
  const storage = createStorage();
  await get(storage);
  assert.is(await set(storage, { a: 1 }), null);
  assert.equal(await get(storage), { a: 1 });
  assert.is(await set(storage, null), null);
  assert.is(await get(storage), null);
  let sync = true;
  storage.get(() => assert.not(sync));
  sync = false;
});

test('another writer changed it: code 409, conflict and errorCode; force skips the check', async () => {
  const storage = createStorage({ initialData: { v: 1 } });
  await get(storage);
  // Another writer: an explicit etag matching the current document, then a change.
  await set(storage, { v: 2 }, { force: true });
  const stale = await set(storage, { v: 3 }, { etag: 'not-the-current-etag' });
  assert.equal(
    { message: stale?.message, ...(stale as object) },
    { message: 'Item was modified since it was read.', code: 409, statusCode: 409, errorCode: 'ERR_STORAGE_CONFLICT', conflict: { v: 2 } },
  );
  assert.is(await set(storage, { v: 3 }, { etag: 'stale', force: true }), null);
  assert.equal(await get(storage), { v: 3 });
});

test('two requests of one webtask: the second writer conflicts, then merges and retries', async () => {
  const storage = createStorage({ initialData: { count: 0 } });
  const handles: Storage[] = [];
  const hold = (ctx: { storage: Storage }, cb: (e: unknown, d?: unknown) => void) => {
    handles.push(ctx.storage);
    ctx.storage.get(() => cb(null, {}));
  };
  await simulate(hold, { storage });
  await simulate(hold, { storage });
  const [a, b] = handles as [Storage, Storage];
  assert.is(await set(a, { count: 1 }), null);
  const conflict = (await set(b, { count: 1 })) as Error & { code: number; conflict: unknown };
  assert.equal([conflict.code, conflict.conflict], [409, { count: 1 }]);
  assert.equal(await get(b), { count: 1 });
  assert.is(await set(b, { count: 2 }), null);
  assert.equal(await get(storage), { count: 2 });
});

test('an etag of null expects an empty document', async () => {
  const storage = createStorage();
  assert.is(await set(storage, { first: true }, { etag: null }), null);
  const second = (await set(storage, { second: true }, { etag: null })) as Error & { code: number };
  assert.is(second.code, 409);
});

test('over 500 KB: ERR_STORAGE_TOO_LARGE, nothing written', async () => {
  const storage = createStorage();
  await get(storage);
  const error = (await set(storage, { big: 'x'.repeat(500 * 1024) })) as Error & { code: string; details: unknown };
  assert.equal([error.code, error.message, error.details], [
    'ERR_STORAGE_TOO_LARGE',
    'Storage data of 512010 bytes exceeds the limit of 512000 bytes',
    { limit: 512000, size: 512010 },
  ]);
  assert.is(await get(storage), null);
  assert.is(await set(storage, { fits: 'x'.repeat(1000) }), null);
});

test('misuse throws as webtask-runtime: set before get, bad options, bad callback', () => {
  const storage = createStorage();
  const usage = thrown(() => storage.set({ a: 1 }, () => {})) as Error & { code: string };
  assert.equal([usage.code, usage.message], ['ERR_STORAGE_USAGE', 'When calling storage.set without having called storage.get before, you must specify the .force option.']);
  const options = thrown(() => storage.get('x' as never, () => {})) as Error;
  assert.equal([options.name, options.message], ['TypeError', 'Options must be an object.']);
  const callback = thrown(() => storage.get({}, 'x' as never)) as Error;
  assert.equal([callback.name, callback.message], ['TypeError', 'Callback must be a function.']);
  const missing = thrown(() => (storage.get as (o: unknown) => void)({})) as Error;
  assert.equal(missing.message, 'Callback must be a function.');
});

test('a file persists the document atomically and is read back; an existing file wins over initialData', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ext-storage-'));
  try {
    const file = join(dir, 'data.json');
    const storage = createStorage({ file, initialData: { seed: true } });
    assert.equal(await get(storage), { seed: true });
    assert.is(await set(storage, { saved: 1 }), null);
    assert.equal([JSON.parse(readFileSync(file, 'utf8')), readdirSync(dir)], [{ saved: 1 }, ['data.json']]);
    assert.equal(await get(createStorage({ file, initialData: { seed: true } })), { saved: 1 });
    await set(storage, null);
    assert.is(await get(createStorage({ file })), null);
    writeFileSync(file, '{"written":"by hand"}');
    assert.equal(await get(createStorage({ file })), { written: 'by hand' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storageFile through simulate: a webtask writes, the next run reads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ext-storage-'));
  try {
    const storageFile = join(dir, 'wt.json');
    const write = (ctx: { storage: Storage }, cb: (e: unknown, d?: unknown) => void) =>
      ctx.storage.get(() => ctx.storage.set({ visits: 1 }, (error) => cb(error)));
    const read = (ctx: { storage: Storage }, cb: (e: unknown, d?: unknown) => void) => ctx.storage.get(cb);
    assert.equal((await simulate(write, { storageFile })).statusCode, 200);
    assert.equal((await simulate(read, { storageFile })).payload, '{"visits":1}');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
