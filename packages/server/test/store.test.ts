// The contract every WebtaskStore keeps, run against each implementation; then what only the
// embedded store promises: it persists, encrypts secrets at rest and survives crashes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  createEmbeddedStore,
  DEFAULT_LIST_LIMIT,
  MAX_CODE_SIZE,
  MAX_DATA_SIZE,
  MAX_LIST_LIMIT,
  type WebtaskStore,
} from '@ext-compilers/server';
import { openText, sealText } from '../src/store/internal/vault.ts';
import { implementations, newDirectory, rejects, removeDirectories } from './store-support.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const [label, open] of Object.entries(implementations)) {
  const test = suite<{ store: WebtaskStore }>(`store contract: ${label}`, { store: undefined as unknown as WebtaskStore });
  test.before.each(async (context) => {
    context.store = await open();
  });
  test.after.each(async (context) => {
    await context.store.close();
  });

  test('put creates a webtask and answers the whole record, without secret values', async ({ store }) => {
    const record = await store.put('acme', 'hello', { code: 'module.exports = (cb) => cb(null, 1);', secrets: { b: '2', a: '1' }, meta: { k: 'v' } });
    const { version, generation, created_at, updated_at, ...rest } = record;
    assert.equal(rest, {
      container: 'acme',
      name: 'hello',
      code: 'module.exports = (cb) => cb(null, 1);',
      meta: { k: 'v' },
      secret_names: ['a', 'b'],
    });
    assert.type(version, 'string');
    assert.type(generation, 'string');
    assert.ok(ISO.test(created_at));
    assert.is(updated_at, created_at);
    assert.equal(await store.get('acme', 'hello'), record);
    assert.is(await store.get('acme', 'other'), undefined);
    assert.is(await store.get('other', 'hello'), undefined);
  });

  test('put upserts: meta and secrets not given are removed; created_at stays; version changes', async ({ store }) => {
    const first = await store.put('acme', 'hook', { code: 'a', secrets: { s: 'x' }, meta: { 'wt-compiler': 'ext-compilers/generic' } });
    await sleep(2);
    const second = await store.put('acme', 'hook', { url: 'https://example.com/hook.js' });
    assert.equal(
      { ...second, version: undefined, updated_at: undefined },
      {
        container: 'acme',
        name: 'hook',
        url: 'https://example.com/hook.js',
        meta: {},
        secret_names: [],
        version: undefined,
        generation: first.generation,
        created_at: first.created_at,
        updated_at: undefined,
      },
    );
    assert.is.not(second.version, first.version);
    assert.ok(second.updated_at > first.updated_at);
    assert.equal((await store.get('acme', 'hook', { decrypt: true }))?.secrets, {});
    assert.is((await store.get('acme', 'hook'))?.code, undefined);
  });

  test('a version is never reused, not even by a new webtask of a deleted name', async ({ store }) => {
    const versions = new Set<string>();
    for (let i = 0; i < 3; i++) {
      versions.add((await store.put('acme', 'again', { code: 'same' })).version);
      assert.ok(await store.delete('acme', 'again'));
    }
    assert.is(versions.size, 3);
  });

  test('a generation is kept by every put and new for a webtask of a deleted name; a write for another changes nothing', async ({ store }) => {
    const first = await store.put('acme', 'gen', { code: 'a' });
    const updated = await store.put('acme', 'gen', { code: 'b', secrets: { s: '1' } });
    assert.is(updated.generation, first.generation);
    assert.equal((await store.writeData('acme', 'gen', { n: 1 }, { generation: first.generation }))?.data, { n: 1 });
    assert.ok(await store.delete('acme', 'gen'));
    assert.is(await store.writeData('acme', 'gen', { n: 2 }, { generation: first.generation }), undefined);
    const again = await store.put('acme', 'gen', { code: 'a' });
    assert.is.not(again.generation, first.generation);
    assert.is(await store.writeData('acme', 'gen', { zombie: true }, { generation: first.generation, force: true }), undefined);
    assert.equal(await store.readData('acme', 'gen'), { data: null, etag: null });
    assert.equal((await store.writeData('acme', 'gen', { n: 3 }, { generation: again.generation }))?.data, { n: 3 });
    assert.equal((await rejects(store.writeData('acme', 'gen', { n: 4 }, { generation: 7 as never }))).details, { field: 'generation' });
  });

  test('exactly one of code and url; url is http(s); maps hold strings', async ({ store }) => {
    const cases: [unknown, string][] = [
      [{ code: 'a', url: 'https://example.com/a.js' }, 'Either the code or url option can be specified, but not both'],
      [{}, 'A webtask needs code or a url'],
      [{ meta: { a: 'b' } }, 'A webtask needs code or a url'],
      [{ url: 'file:///etc/passwd' }, 'A webtask url must be an http(s) URL'],
      [{ url: 'not a url' }, 'A webtask url must be an http(s) URL'],
      [{ code: 42 }, 'A webtask code must be a string'],
      [{ code: 'a', meta: { n: 1 } }, 'meta.n must be a string under a non-empty key'],
      [{ code: 'a', secrets: ['x'] }, 'secrets must be an object of strings'],
      [null, 'A webtask is an object with code or url'],
    ];
    for (const [input, message] of cases) {
      const error = await rejects(store.put('acme', 'bad', input as never));
      assert.equal([error.code, error.message], ['ERR_STORAGE_USAGE', message], JSON.stringify(input));
    }
    assert.equal(await store.containers(), []);
  });

  test('meta and secrets keep keys such as __proto__ as plain keys', async ({ store }) => {
    const meta = JSON.parse('{"__proto__": "x", "constructor": "y"}') as Record<string, string>;
    await store.put('acme', 'proto', { code: 'a', meta, secrets: meta });
    const record = await store.get('acme', 'proto', { decrypt: true });
    assert.equal(Object.entries(record?.meta ?? {}), [['__proto__', 'x'], ['constructor', 'y']]);
    assert.equal(Object.entries(record?.secrets ?? {}), [['__proto__', 'x'], ['constructor', 'y']]);
    assert.equal((await store.list('acme', { meta: [['__proto__', 'x']] })).map((w) => w.name), ['proto']);
    assert.equal(await store.list('acme', { meta: [['toString', String(Object.prototype.toString)]] }), []);
  });

  test('secret values only with decrypt: true; list and put never carry them', async ({ store }) => {
    const put = await store.put('acme', 'secret', { code: 'a', secrets: { token: 'hunter2', other: 'x' } });
    assert.not('secrets' in put);
    assert.not('secrets' in ((await store.get('acme', 'secret')) as object));
    assert.not('secrets' in ((await store.get('acme', 'secret', { decrypt: false })) as object));
    const [listed] = await store.list('acme');
    assert.not('secrets' in (listed as object));
    assert.equal(listed?.secret_names, ['other', 'token']);
    const decrypted = await store.get('acme', 'secret', { decrypt: true });
    assert.equal(decrypted, { ...put, secrets: { token: 'hunter2', other: 'x' } });
    assert.is((await rejects(store.get('acme', 'secret', { decrypt: 'yes' } as never))).code, 'ERR_STORAGE_USAGE');
  });

  test('list: by name, meta filters ANDed, then offset and limit', async ({ store }) => {
    const names = ['e', 'B', 'a', 'd', 'c', 'a.b', 'a-b'];
    for (const [i, name] of names.entries()) {
      await store.put('acme', name, { code: name, meta: { kind: i % 2 === 0 ? 'even' : 'odd', team: i < 4 ? 'x' : 'y' } });
    }
    await store.put('other', 'z', { code: 'z', meta: { kind: 'even' } });
    const namesOf = async (options?: Parameters<WebtaskStore['list']>[1]) => (await store.list('acme', options)).map((w) => w.name);
    assert.equal(await namesOf(), ['B', 'a', 'a-b', 'a.b', 'c', 'd', 'e']);
    assert.equal(await namesOf({ meta: [['kind', 'even']] }), ['a', 'a-b', 'c', 'e']);
    assert.equal(await namesOf({ meta: [['kind', 'even'], ['team', 'y']] }), ['a-b', 'c']);
    assert.equal(await namesOf({ meta: [['kind', 'even'], ['team', 'nobody']] }), []);
    assert.equal(await namesOf({ meta: [['kind', 'even']], offset: 1, limit: 2 }), ['a-b', 'c']);
    assert.equal(await namesOf({ offset: 6 }), ['e']);
    assert.equal(await namesOf({ offset: 7 }), []);
    assert.equal(await store.list('empty'), []);
    assert.equal(await store.containers(), ['acme', 'other']);
    assert.equal((await store.list('acme'))[0]?.meta, { kind: 'odd', team: 'x' });
  });

  test(`list returns ${DEFAULT_LIST_LIMIT} by default and refuses limits outside 1..${MAX_LIST_LIMIT}`, async ({ store }) => {
    await Promise.all(Array.from({ length: DEFAULT_LIST_LIMIT + 5 }, (_, i) => store.put('many', `w${String(i).padStart(3, '0')}`, { code: 'x' })));
    const all = await store.list('many');
    assert.is(all.length, DEFAULT_LIST_LIMIT);
    assert.is(all[0]?.name, 'w000');
    assert.is((await store.list('many', { limit: MAX_LIST_LIMIT })).length, DEFAULT_LIST_LIMIT + 5);
    for (const options of [{ limit: 0 }, { limit: MAX_LIST_LIMIT + 1 }, { limit: 1.5 }, { offset: -1 }, { meta: [['a']] }, { meta: 'a:b' }]) {
      assert.is((await rejects(store.list('many', options as never))).code, 'ERR_STORAGE_USAGE', JSON.stringify(options));
    }
  });

  test('delete removes the webtask and its storage; a second delete is false', async ({ store }) => {
    await store.put('acme', 'gone', { code: 'a', meta: { a: 'b' } });
    await store.writeData('acme', 'gone', { counter: 3 });
    assert.is(await store.delete('acme', 'gone'), true);
    assert.is(await store.delete('acme', 'gone'), false);
    assert.is(await store.get('acme', 'gone'), undefined);
    assert.is(await store.readData('acme', 'gone'), undefined);
    assert.equal(await store.containers(), []);
    await store.put('acme', 'gone', { code: 'a' });
    assert.equal(await store.readData('acme', 'gone'), { data: null, etag: null });
  });

  test('storage: empty, write, read; etags as the runtime computes them', async ({ store }) => {
    assert.is(await store.readData('acme', 'data'), undefined);
    assert.is(await store.writeData('acme', 'data', { a: 1 }, { force: true }), undefined);
    await store.put('acme', 'data', { code: 'a' });
    assert.equal(await store.readData('acme', 'data'), { data: null, etag: null });
    const written = await store.writeData('acme', 'data', { a: [1, 'two'] });
    const etag = createHash('sha1').update('{"a":[1,"two"]}').digest('base64');
    assert.equal(written, { data: { a: [1, 'two'] }, etag });
    assert.equal(await store.readData('acme', 'data'), { data: { a: [1, 'two'] }, etag });
    assert.equal(await store.writeData('acme', 'data', null, { etag }), { data: null, etag: null });
    assert.equal(await store.readData('acme', 'data'), { data: null, etag: null });
    // A put replaces the webtask's code, not its storage.
    await store.writeData('acme', 'data', 'kept');
    await store.put('acme', 'data', { code: 'b' });
    assert.is((await store.readData('acme', 'data'))?.data, 'kept');
  });

  test('storage: a stale etag conflicts with the current value; force and a matching etag write', async ({ store }) => {
    await store.put('acme', 'counter', { code: 'a' });
    const first = await store.writeData('acme', 'counter', { n: 1 }, { etag: null });
    const second = await store.writeData('acme', 'counter', { n: 2 }, { etag: first?.etag });
    const stale = await rejects(store.writeData('acme', 'counter', { n: 3 }, { etag: first?.etag }));
    assert.equal([stale.code, stale.message, stale.details], [
      'ERR_STORAGE_CONFLICT',
      'Item was modified since it was read.',
      { conflict: { n: 2 }, etag: second?.etag, expected: first?.etag },
    ]);
    const notEmpty = await rejects(store.writeData('acme', 'counter', { n: 3 }, { etag: null }));
    assert.equal(notEmpty.details?.conflict, { n: 2 });
    assert.equal(await store.writeData('acme', 'counter', { n: 4 }, { etag: 'stale', force: true }), {
      data: { n: 4 },
      etag: createHash('sha1').update('{"n":4}').digest('base64'),
    });
    await store.writeData('acme', 'counter', null, { force: true });
    const wasCleared = await rejects(store.writeData('acme', 'counter', { n: 5 }, { etag: second?.etag }));
    assert.equal(wasCleared.details, { conflict: null, etag: null, expected: second?.etag });
  });

  test('storage: of two writers that read the same etag, exactly one wins', async ({ store }) => {
    await store.put('acme', 'race', { code: 'a' });
    const { etag } = (await store.writeData('acme', 'race', { n: 0 })) ?? {};
    const results = await Promise.allSettled([1, 2, 3].map((n) => store.writeData('acme', 'race', { n }, { etag })));
    assert.equal(results.map((r) => r.status).sort(), ['fulfilled', 'rejected', 'rejected']);
    const winner = results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ data: unknown }>;
    assert.equal((await store.readData('acme', 'race'))?.data, winner.value.data);
  });

  test(`storage: ${MAX_DATA_SIZE} bytes of JSON fit, one more does not; data must be JSON`, async ({ store }) => {
    await store.put('acme', 'big', { code: 'a' });
    const fits = 'x'.repeat(MAX_DATA_SIZE - 2);
    assert.is((await store.writeData('acme', 'big', fits))?.data, fits);
    const error = await rejects(store.writeData('acme', 'big', `${fits}x`));
    assert.equal([error.code, error.details], ['ERR_STORAGE_TOO_LARGE', { limit: MAX_DATA_SIZE, size: MAX_DATA_SIZE + 1 }]);
    assert.is((await store.readData('acme', 'big'))?.data, fits);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.is((await rejects(store.writeData('acme', 'big', cyclic))).code, 'ERR_STORAGE_USAGE');
    assert.is((await rejects(store.writeData('acme', 'big', () => 1))).code, 'ERR_STORAGE_USAGE');
    assert.is((await rejects(store.writeData('acme', 'big', 1, { etag: 5 } as never))).code, 'ERR_STORAGE_USAGE');
  });

  test(`code: ${MAX_CODE_SIZE} bytes fit, one byte more is ERR_BODY_TOO_LARGE (413)`, async ({ store }) => {
    const fits = `//${'é'.repeat((MAX_CODE_SIZE - 2) / 2)}`;
    assert.is(Buffer.byteLength(fits), MAX_CODE_SIZE);
    assert.is((await store.put('acme', 'big', { code: fits })).code, fits);
    const error = await rejects(store.put('acme', 'big', { code: `${fits} ` }));
    assert.equal([error.code, error.details], ['ERR_BODY_TOO_LARGE', { limit: MAX_CODE_SIZE, size: MAX_CODE_SIZE + 1 }]);
    assert.is((await store.get('acme', 'big'))?.code, fits);
  });

  test('container and webtask names: the platform pattern, any case, never . or ..', async ({ store }) => {
    const valid = ['a', 'A-b_c', 'x.y', '...', "~!$+=:@", 'wt-0123456789abcdef0123456789abcdef-0', 'n'.repeat(64)];
    for (const name of valid) {
      await store.put(name, name, { code: 'a' });
      assert.is((await store.get(name, name))?.name, name);
    }
    assert.equal(await store.containers(), [...valid].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.is(await store.get('a', 'A'), undefined, 'names are case-exact');
    const invalid: unknown[] = ['', '.', '..', 'a/b', 'a b', 'n'.repeat(65), 'é', '%2e', 'a\0', 42, undefined];
    const calls = [
      (c: string, n: string) => store.put(c, n, { code: 'a' }),
      (c: string, n: string) => store.get(c, n),
      (c: string, n: string) => store.delete(c, n),
      (c: string, n: string) => store.readData(c, n),
      (c: string, n: string) => store.writeData(c, n, 1),
    ];
    for (const bad of invalid) {
      for (const call of calls) {
        const asContainer = await rejects(call(bad as string, 'ok'));
        assert.equal([asContainer.code, asContainer.details], ['ERR_STORAGE_USAGE', { field: 'container', value: bad }]);
        const asName = await rejects(call('ok', bad as string));
        assert.equal([asName.code, asName.details], ['ERR_STORAGE_USAGE', { field: 'name', value: bad }]);
      }
      assert.is((await rejects(store.list(bad as string))).code, 'ERR_STORAGE_USAGE');
    }
  });

  test('concurrent puts to one webtask apply one at a time; the last one stays', async ({ store }) => {
    const records = await Promise.all(Array.from({ length: 20 }, (_, i) => store.put('acme', 'busy', { code: `v${i}`, secrets: { i: String(i) } })));
    assert.is(new Set(records.map((r) => r.version)).size, 20);
    const last = await store.get('acme', 'busy', { decrypt: true });
    assert.equal([last?.code, last?.secrets, last?.version], ['v19', { i: '19' }, records[19]?.version]);
    assert.equal((await store.list('acme')).length, 1);
  });

  test('a closed store refuses calls', async ({ store }) => {
    await store.put('acme', 'a', { code: 'a' });
    await store.close();
    for (const call of [() => store.get('acme', 'a'), () => store.list('acme'), () => store.containers(), () => store.put('acme', 'b', { code: 'b' })]) {
      assert.is((await rejects(call())).code, 'ERR_STORAGE_USAGE');
    }
  });

  test.run();
}

const embedded = suite('embedded store');
embedded.after(() => removeDirectories());

/** Every file under `directory`, recursively, with its path relative to it. */
function filesUnder(directory: string, prefix = ''): string[] {
  return readdirSync(join(directory, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix === '' ? entry.name : join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(directory, path) : [path];
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;

/** The one webtask file of a directory that holds one webtask. */
function onlyWebtaskFile(directory: string): string {
  const [file, ...more] = readdirSync(join(directory, 'webtasks'));
  assert.is(more.length, 0);
  return join(directory, 'webtasks', file as string);
}

/** The pid of a process that has exited: what a crashed writer leaves in its temporary file names. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  return pid as number;
}

async function populate(store: WebtaskStore): Promise<void> {
  await store.put('acme', 'hook', { code: 'module.exports = 1;', secrets: { 'api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' }, meta: { 'wt-compiler': 'ext-compilers/generic' } });
  await store.put('acme', 'remote', { url: 'https://example.com/remote.js', meta: { team: 'a' } });
  await store.put('beta', 'Hook', { code: 'b', secrets: { one: 'correct horse battery staple', two: 'Tr0ub4dor&3' } });
  await store.writeData('acme', 'hook', { counter: 41, names: ['é', 'ü'] });
}

embedded('a new store on the same directory sees everything: records, versions, secrets, storage', async () => {
  const directory = newDirectory();
  const first = await createEmbeddedStore({ directory });
  await populate(first);
  const before = {
    containers: await first.containers(),
    acme: await first.list('acme'),
    beta: await first.get('beta', 'Hook', { decrypt: true }),
    data: await first.readData('acme', 'hook'),
  };
  await first.close();
  const second = await createEmbeddedStore({ directory });
  assert.equal(
    {
      containers: await second.containers(),
      acme: await second.list('acme'),
      beta: await second.get('beta', 'Hook', { decrypt: true }),
      data: await second.readData('acme', 'hook'),
    },
    before,
  );
  assert.equal(before.beta?.secrets, { one: 'correct horse battery staple', two: 'Tr0ub4dor&3' });
  assert.equal(before.data?.data, { counter: 41, names: ['é', 'ü'] });
  assert.ok(await second.delete('acme', 'hook'));
  await second.close();
  const third = await createEmbeddedStore({ directory });
  assert.equal((await third.list('acme')).map((w) => w.name), ['remote']);
  assert.is(await third.readData('acme', 'hook'), undefined);
  await third.close();
});

embedded('the directory is 0700, the key and every file 0600; the key is 32 bytes', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await populate(store);
  await store.close();
  assert.is(mode(directory), 0o700);
  assert.is(readFileSync(join(directory, 'secret.key')).length, 32);
  const files = filesUnder(directory);
  assert.equal(files.map((file) => file.split('/')[0]).sort(), ['data', 'secret.key', 'webtasks', 'webtasks', 'webtasks']);
  for (const file of files) assert.is(mode(join(directory, file)), 0o600, file);
  for (const folder of ['webtasks', 'data']) assert.is(mode(join(directory, folder)), 0o700, folder);
});

embedded('no secret value appears in plain text in any file, after puts, updates and deletes', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await populate(store);
  await store.put('acme', 'hook', { code: 'module.exports = 2;', secrets: { 'api-key': 'rotated-9f8e7d6c5b4a' } });
  await store.put('acme', 'gone', { code: 'x', secrets: { doomed: 'deleted-secret-value-1234' } });
  await store.delete('acme', 'gone');
  // A hook's Bearer secret lives in its meta too, and code or storage data may hold secrets: all sealed.
  await store.put('acme', 'bearer', { code: '// code-marker-7f1e2d3c', meta: { 'auth0-extension-secret': 'meta-bearer-5a6b7c8d9e' } });
  await store.writeData('acme', 'bearer', { note: 'data-marker-0a1b2c3d' });
  await store.close();
  const values = ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'correct horse battery staple', 'Tr0ub4dor&3', 'rotated-9f8e7d6c5b4a', 'deleted-secret-value-1234', 'meta-bearer-5a6b7c8d9e', 'code-marker-7f1e2d3c', 'data-marker-0a1b2c3d'];
  const files = filesUnder(directory);
  assert.ok(files.length >= 4);
  // Plain UTF-8, and the encodings a careless write would use, are all searched as raw bytes.
  const needles = values.flatMap((value) => [Buffer.from(value), Buffer.from(value, 'utf16le'), Buffer.from(Buffer.from(value).toString('base64')), Buffer.from(Buffer.from(value).toString('hex'))]);
  for (const file of files) {
    const bytes = readFileSync(join(directory, file));
    for (const needle of needles) assert.is(bytes.indexOf(needle), -1, `${needle} in ${file}`);
  }
  const reopened = await createEmbeddedStore({ directory });
  assert.equal((await reopened.get('acme', 'bearer'))?.meta, { 'auth0-extension-secret': 'meta-bearer-5a6b7c8d9e' }, 'and all of it reads back');
  await reopened.close();
});

embedded('two starts on an empty directory agree on one key', async () => {
  const directory = newDirectory();
  const [a, b] = await Promise.all([createEmbeddedStore({ directory }), createEmbeddedStore({ directory })]);
  await a.put('acme', 'from-a', { code: 'a', secrets: { s: 'written by a' } });
  await b.put('acme', 'from-b', { code: 'b', secrets: { s: 'written by b' } });
  await Promise.all([a.close(), b.close()]);
  const reader = await createEmbeddedStore({ directory });
  assert.equal((await reader.get('acme', 'from-a', { decrypt: true }))?.secrets, { s: 'written by a' });
  assert.equal((await reader.get('acme', 'from-b', { decrypt: true }))?.secrets, { s: 'written by b' });
  await reader.close();
  assert.equal(filesUnder(directory).filter((file) => file.endsWith('.tmp')), []);
});

embedded('a key file of the wrong size is a clear error, not a new key', async () => {
  const directory = newDirectory();
  await (await createEmbeddedStore({ directory })).close();
  writeFileSync(join(directory, 'secret.key'), Buffer.alloc(16));
  const error = await rejects(createEmbeddedStore({ directory }));
  assert.match(error.message, /secret\.key holds 16 bytes, not the 32 of the store's key/);
  assert.is(readFileSync(join(directory, 'secret.key')).length, 16);
});

embedded('a crash mid-write: the temporary file is swept, the previous version stays', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  const v1 = await store.put('acme', 'hook', { code: 'v1', meta: { v: '1' } });
  await store.writeData('acme', 'hook', { v: 1 });
  await store.close();
  const file = onlyWebtaskFile(directory);
  const dataFile = join(directory, 'data', readdirSync(join(directory, 'data'))[0] as string);
  const dead = deadPid();
  // What a writer killed between write and rename leaves: a half-written file beside the target.
  const leftovers = [`${file}.${dead}.0a1b2c3d4e5f.tmp`, `${dataFile}.${dead}.0a1b2c3d4e5f.tmp`];
  writeFileSync(leftovers[0] as string, readFileSync(file, 'utf8').replace('"v1"', '"v2"').slice(0, 40));
  writeFileSync(leftovers[1] as string, '{"v":');
  // A live process's temporary file may be about to be renamed: it is left alone.
  const live = `${file}.${process.pid}.0a1b2c3d4e5f.tmp`;
  writeFileSync(live, 'in flight');
  const reopened = await createEmbeddedStore({ directory });
  assert.equal(await reopened.get('acme', 'hook'), v1);
  assert.equal((await reopened.readData('acme', 'hook'))?.data, { v: 1 });
  await reopened.close();
  assert.equal(
    leftovers.map((path) => readdirSync(join(path, '..')).includes(path.split('/').pop() as string)),
    [false, false],
  );
  assert.is(readFileSync(live, 'utf8'), 'in flight');
});

embedded('storage data left without its webtask is removed at open', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await store.put('acme', 'hook', { code: 'a' });
  await store.writeData('acme', 'hook', { old: true });
  await store.close();
  // As if a delete had removed the webtask but not its data.
  rmSync(onlyWebtaskFile(directory));
  const reopened = await createEmbeddedStore({ directory });
  assert.equal(readdirSync(join(directory, 'data')), []);
  await reopened.put('acme', 'hook', { code: 'new' });
  assert.equal(await reopened.readData('acme', 'hook'), { data: null, etag: null });
  await reopened.close();
});

embedded('a webtask file written before generations opens with its version as its generation, which the next put keeps', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await store.put('acme', 'old', { code: 'a' });
  await store.close();
  const file = onlyWebtaskFile(directory);
  const key = readFileSync(join(directory, 'secret.key'));
  const { generation, ...before } = JSON.parse(openText(key, JSON.parse(readFileSync(file, 'utf8')).sealed, basename(file)));
  assert.type(generation, 'string');
  writeFileSync(file, JSON.stringify({ format: 2, sealed: sealText(key, JSON.stringify(before), basename(file)) }));
  const reopened = await createEmbeddedStore({ directory });
  const record = await reopened.get('acme', 'old');
  assert.is(record?.generation, before.version);
  assert.is((await reopened.put('acme', 'old', { code: 'b' })).generation, before.version);
  await reopened.close();
  const third = await createEmbeddedStore({ directory });
  assert.is((await third.get('acme', 'old'))?.generation, before.version);
  await third.close();
});

embedded('an altered file, a file copied over another, or another key: the open names the file, never garbage', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await store.put('acme', 'a', { code: 'a', secrets: { token: 'for a' }, meta: { m: '1' } });
  await store.put('acme', 'b', { code: 'b', secrets: { token: 'for b' } });
  await store.close();
  const [fileA, fileB] = readdirSync(join(directory, 'webtasks')).map((name) => join(directory, 'webtasks', name)) as [string, string];
  const original = readFileSync(fileB, 'utf8');
  const envelope = JSON.parse(original) as { format: number; sealed: { ciphertext: string } };
  const flipped = Buffer.from(envelope.sealed.ciphertext, 'base64');
  flipped[0] = (flipped[0] as number) ^ 1;
  const alterations: Record<string, string> = {
    ciphertext: JSON.stringify({ ...envelope, sealed: { ...envelope.sealed, ciphertext: flipped.toString('base64') } }),
    'another file': readFileSync(fileA, 'utf8'),
    envelope: JSON.stringify({ ...envelope, sealed: { alg: 'none' } }),
  };
  for (const [what, text] of Object.entries(alterations)) {
    writeFileSync(fileB, text);
    const error = await rejects(createEmbeddedStore({ directory }));
    assert.ok(error.message.startsWith(`${fileB} is not a webtask of this store (`), `${what}: ${error.message}`);
  }
  writeFileSync(fileB, original);
  const reopened = await createEmbeddedStore({ directory });
  assert.equal((await reopened.get('acme', 'b', { decrypt: true }))?.secrets, { token: 'for b' }, 'restored, it opens');
  await reopened.close();
  writeFileSync(join(directory, 'secret.key'), Buffer.alloc(32, 7));
  assert.match((await rejects(createEmbeddedStore({ directory }))).message, /cannot be decrypted: it was altered, or the key is not the one it was encrypted with/);
});

embedded('a webtask file that is not one of ours stops the open and names the file', async () => {
  const directory = newDirectory();
  const store = await createEmbeddedStore({ directory });
  await store.put('acme', 'hook', { code: 'a' });
  await store.close();
  const file = onlyWebtaskFile(directory);
  const plain = JSON.stringify({ format: 1, container: 'acme', name: 'hook', code: 'a', meta: {}, secret_names: [] });
  for (const text of ['{"format":2,', plain, JSON.stringify({ format: 3, sealed: {} })]) {
    writeFileSync(file, text);
    const error = await rejects(createEmbeddedStore({ directory }));
    assert.ok(error.message.startsWith(`${file} is not a webtask of this store (`), error.message);
  }
});

embedded('options are checked', async () => {
  for (const options of [undefined, null, {}, { directory: '' }, { directory: 5 }]) {
    const error = await rejects(createEmbeddedStore(options as never));
    assert.instance(error, TypeError);
  }
});

embedded.run();
