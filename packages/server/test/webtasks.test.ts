import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryStore } from '@ext-compilers/server';
import { createWebtasks } from '../src/run/webtask-cache.ts';

test('ready(): the job webtask and storage once both are made, for the current version only', async () => {
  const store = createMemoryStore();
  await store.put('c', 'n', { code: 'module.exports = (cb) => cb()' });
  const webtasks = createWebtasks(store, { timeout: 1000, maxBodySize: 1000, modulesRoot: undefined });
  const record = (await store.get('c', 'n'))!;
  assert.is(webtasks.ready(record), undefined);
  const webtask = await webtasks.job(record, () => store.get('c', 'n', { decrypt: true }));
  assert.is(webtasks.ready(record), undefined, 'the storage is not made yet');
  const storage = await webtasks.storage(record);
  assert.equal(webtasks.ready(record), { webtask, storage });
  const updated = await store.put('c', 'n', { code: 'module.exports = (cb) => cb(null, 2)' });
  assert.is(webtasks.ready(updated), undefined, 'a new version is made again');
  webtasks.forget('c', 'n');
  assert.is(webtasks.ready(record), undefined);
});

test('storage(): one per generation; a webtask made anew under a deleted name never gets the old one', async () => {
  const store = createMemoryStore();
  const webtasks = createWebtasks(store, { timeout: 1000, maxBodySize: 1000, modulesRoot: undefined });
  const first = await store.put('c', 'n', { code: 'module.exports = (cb) => cb()' });
  const storage = await webtasks.storage(first);
  await webtasks.job(first, () => store.get('c', 'n', { decrypt: true }));
  assert.is(await webtasks.storage(await store.put('c', 'n', { code: 'module.exports = (cb) => cb(null, 2)' })), storage, 'an update keeps it');
  await store.delete('c', 'n');
  const again = await store.put('c', 'n', { code: 'module.exports = (cb) => cb()' });
  assert.is(webtasks.ready(again), undefined);
  assert.is.not(await webtasks.storage(again), storage);
});

test.run();
