// What a container holds (`usage()`) and the storage total a write may not pass
// (`containerLimit`), the same in both stores; the embedded store learns the sizes of documents
// it finds at open.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEmbeddedStore, type WebtaskStore } from '@ext-compilers/server';
import { implementations, newDirectory, rejects, removeDirectories } from './store-support.ts';

/** A JSON string value of exactly `bytes` bytes of JSON (its quotes included). */
const sized = (bytes: number): string => 'x'.repeat(bytes - 2);

for (const [label, open] of Object.entries(implementations)) {
  const test = suite<{ store: WebtaskStore }>(`store usage: ${label}`, { store: undefined as unknown as WebtaskStore });
  test.before.each(async (context) => {
    context.store = await open();
  });
  test.after.each(async (context) => {
    await context.store.close();
  });

  test('usage: webtasks and bytes of JSON of their storage, per container', async ({ store }) => {
    assert.equal(await store.usage('acme'), { webtasks: 0, dataBytes: 0 });
    await store.put('acme', 'a', { code: 'a' });
    await store.put('acme', 'b', { code: 'b' });
    await store.put('other', 'a', { code: 'a' });
    await store.writeData('acme', 'a', sized(100));
    await store.writeData('acme', 'b', { n: 1 });
    await store.writeData('other', 'a', sized(7));
    assert.equal(await store.usage('acme'), { webtasks: 2, dataBytes: 100 + '{"n":1}'.length });
    await store.writeData('acme', 'a', sized(10));
    await store.put('acme', 'b', { code: 'b2' }); // a replace keeps the storage
    assert.equal(await store.usage('acme'), { webtasks: 2, dataBytes: 10 + 7 });
    await store.delete('acme', 'b');
    await store.writeData('acme', 'a', null);
    assert.equal(await store.usage('acme'), { webtasks: 1, dataBytes: 0 });
    assert.equal(await store.usage('other'), { webtasks: 1, dataBytes: 7 });
    assert.is((await rejects(store.usage('a/b'))).code, 'ERR_STORAGE_USAGE');
  });

  test('containerLimit: a write that would pass it is refused, names the limit, and changes nothing', async ({ store }) => {
    await store.put('acme', 'a', { code: 'a' });
    await store.put('acme', 'b', { code: 'b' });
    await store.writeData('acme', 'a', sized(600), { containerLimit: 1000 });
    await store.writeData('acme', 'b', sized(400), { containerLimit: 1000 });
    const error = await rejects(store.writeData('acme', 'b', sized(401), { containerLimit: 1000 }));
    assert.equal([error.code, error.message, error.details], [
      'ERR_STORAGE_TOO_LARGE',
      'Container acme has reached its storage limit of 1000 bytes (this write would bring it to 1001)',
      { container: 'acme', limit: 1000, size: 1001 },
    ]);
    assert.is((await store.readData('acme', 'b'))?.data, sized(400));
    assert.equal(await store.usage('acme'), { webtasks: 2, dataBytes: 1000 });
    // Shrinking always passes, even under a lower limit; the room it frees is usable.
    await store.writeData('acme', 'a', sized(100), { containerLimit: 10 });
    await store.writeData('acme', 'b', sized(900), { containerLimit: 1000 });
    assert.equal(await store.usage('acme'), { webtasks: 2, dataBytes: 1000 });
    assert.is((await rejects(store.writeData('acme', 'b', 1, { containerLimit: -1 }))).code, 'ERR_STORAGE_USAGE');
  });

  test('containerLimit: concurrent writes to one container never pass it together', async ({ store }) => {
    const names = Array.from({ length: 10 }, (_, i) => `w${i}`);
    for (const name of names) await store.put('acme', name, { code: 'a' });
    const results = await Promise.allSettled(names.map((name) => store.writeData('acme', name, sized(300), { containerLimit: 1000 })));
    assert.is(results.filter((result) => result.status === 'fulfilled').length, 3);
    assert.equal(await store.usage('acme'), { webtasks: 10, dataBytes: 900 });
  });

  test.run();
}

const embedded = suite('store usage: embedded, reopened');
embedded.after(() => removeDirectories());

embedded('sizes of the documents found at open are learned, and the limit holds over them', async () => {
  const directory = newDirectory();
  const first = await createEmbeddedStore({ directory });
  await first.put('acme', 'a', { code: 'a' });
  await first.put('acme', 'b', { code: 'b' });
  await first.writeData('acme', 'a', sized(700));
  await first.close();
  const store = await createEmbeddedStore({ directory });
  const refused = await rejects(store.writeData('acme', 'b', sized(301), { containerLimit: 1000 }));
  assert.equal(refused.details, { container: 'acme', limit: 1000, size: 1001 });
  await store.writeData('acme', 'b', sized(300), { containerLimit: 1000 });
  assert.equal(await store.usage('acme'), { webtasks: 2, dataBytes: 1000 });
  await store.close();
  const again = await createEmbeddedStore({ directory });
  assert.equal(await again.usage('acme'), { webtasks: 2, dataBytes: 1000 });
  await again.close();
});

embedded.run();
