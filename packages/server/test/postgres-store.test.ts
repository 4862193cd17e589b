// What only the PostgreSQL store promises (the contract it shares with the others is store.test.ts):
// nothing secret in clear in the database; nodes started at once migrate it once and agree on its
// secrets; another master key is refused; several stores over one database — the nodes of a
// cluster — see each other's changes within a second (a notice), never lose an update, and drop
// everything they cached when notices may have been missed; a cached webtask costs no round trip.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import pg from 'pg';
import { createPostgresStore, type WebtaskStore } from '@ext-compilers/server';
import { NodeCache } from '../src/store/postgres/node-cache.ts';
import { openPostgres } from '../src/store/postgres/open-postgres.ts';
import { newDatabase, stopPostgres } from './postgres-support.ts';
import { MASTER_KEY, rejects } from './store-support.ts';

const test = suite('postgres store');
const opened: WebtaskStore[] = [];
test.after.each(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});
test.after(() => stopPostgres());

async function sql<R = Record<string, unknown>>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}

async function nodes(url: string, count: number): Promise<WebtaskStore[]> {
  const stores = await Promise.all(Array.from({ length: count }, () => createPostgresStore({ url, masterKey: MASTER_KEY })));
  opened.push(...stores);
  return stores;
}

/** How long until `check()` holds, polled every 5 ms; fails past `limit` ms. */
async function within(limit: number, check: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > limit) assert.unreachable(`not within ${limit} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

test('no secret, code, meta or storage data in clear anywhere in the database', async () => {
  const url = await newDatabase();
  const [store] = (await nodes(url, 1)) as [WebtaskStore];
  await store.put('acme', 'hook', { code: '// code-marker-7f1e2d3c', secrets: { 'api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' }, meta: { 'auth0-extension-secret': 'meta-bearer-5a6b7c8d9e' } });
  await store.writeData('acme', 'hook', { note: 'data-marker-0a1b2c3d' });
  await store.put('acme', 'other', { code: 'x', secrets: { s: 'rotated-9f8e7d6c5b4a' } });
  const values = ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'meta-bearer-5a6b7c8d9e', 'auth0-extension-secret', 'code-marker-7f1e2d3c', 'data-marker-0a1b2c3d', 'rotated-9f8e7d6c5b4a'];
  const tables = await sql<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  let dump = '';
  for (const { tablename } of tables) dump += JSON.stringify(await sql(url, `SELECT * FROM ${tablename}`));
  assert.ok(dump.includes('hook') && dump.includes('ecadm_') === false, 'the dump holds the rows, not the admin token');
  const encodings = (value: string) => [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('hex'), Buffer.from(value).toString('base64url')];
  for (const value of values) for (const needle of encodings(value)) assert.not.ok(dump.includes(needle), needle);
  // The etag of a document is not there either (a guessable document's etag would tell it).
  assert.not.ok(dump.includes((await store.readData('acme', 'hook'))!.etag!));
  assert.equal((await store.get('acme', 'hook', { decrypt: true }))?.secrets, { 'api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' });
});

test('nodes started at the same moment migrate once and share one set of secrets', async () => {
  const url = await newDatabase();
  const clusters = await Promise.all(Array.from({ length: 4 }, () => openPostgres({ url, masterKey: MASTER_KEY })));
  opened.push(...clusters.map((cluster) => cluster.store));
  assert.equal(clusters.filter((cluster) => cluster.secrets.created).length, 1, 'one node made the secrets');
  assert.equal(new Set(clusters.map((cluster) => cluster.secrets.adminToken)).size, 1);
  assert.equal(new Set(clusters.map((cluster) => cluster.secrets.tokenKeys.toString('hex'))).size, 1);
  assert.match(clusters[0]!.secrets.adminToken, /^ecadm_[\w-]{43}$/);
  assert.is(clusters[0]!.secrets.tokenKeys.length, 64);
  assert.equal(await sql(url, 'SELECT version FROM ec_migrations ORDER BY version'), [{ version: 1 }]);
  const again = await openPostgres({ url, masterKey: MASTER_KEY });
  opened.push(again.store);
  assert.equal([again.secrets.created, again.secrets.adminToken], [false, clusters[0]!.secrets.adminToken]);
});

test('another master key, or none that is one, is refused with a clear error', async () => {
  const url = await newDatabase();
  await nodes(url, 1);
  const other = await rejects(createPostgresStore({ url, masterKey: Buffer.alloc(32, 7) }));
  assert.is(other.message, "The master key is not this database's: its secrets cannot be opened with it (every node of a cluster starts with the same key)");
  const short = await rejects(createPostgresStore({ url, masterKey: 'too-short' }));
  assert.match(short.message, /^A master key is 32 random bytes in base64url \(43 characters/);
  assert.instance(await rejects(createPostgresStore({ url: 'mysql://x', masterKey: MASTER_KEY })), TypeError);
});

test('a database migrated by a newer release is refused, not changed', async () => {
  const url = await newDatabase();
  await nodes(url, 1);
  await sql(url, 'INSERT INTO ec_migrations (version) VALUES (99)');
  const error = await rejects(createPostgresStore({ url, masterKey: MASTER_KEY }));
  assert.match(error.message, /schema is version 99, made by a newer ext-compilers; this one knows up to 1/);
});

test('a change on one node is seen by the others within a second, though each caches what it read', async () => {
  const [a, b, c] = (await nodes(await newDatabase(), 3)) as [WebtaskStore, WebtaskStore, WebtaskStore];
  const changes: unknown[] = [];
  c.watch!((change) => void changes.push(change));
  assert.is(await b.get('acme', 'hook'), undefined, 'b caches that there is none');
  const first = await a.put('acme', 'hook', { code: 'v1' });
  await within(1000, async () => (await b.get('acme', 'hook'))?.version === first.version);
  assert.equal(await c.get('acme', 'hook'), first);
  const second = await b.put('acme', 'hook', { code: 'v2', secrets: { s: '2' } });
  const times = [
    await within(1000, async () => (await a.get('acme', 'hook'))?.version === second.version),
    await within(1000, async () => (await c.get('acme', 'hook', { decrypt: true }))?.secrets?.s === '2'),
  ];
  await c.writeData('acme', 'hook', { n: 1 });
  await a.writeData('acme', 'hook', { n: 2 });
  assert.ok(await a.delete('acme', 'hook'));
  times.push(await within(1000, async () => (await b.get('acme', 'hook')) === undefined));
  // Notices come in the order of their commits: c's own write would stand before a's delete.
  await within(1000, async () => changes.length >= 4);
  assert.equal(changes, Array(4).fill({ container: 'acme', name: 'hook' }), 'c hears of a and b (puts, a write, a delete), not of itself');
  assert.ok(times.every((time) => time < 1000), String(times));
});

test('a cached webtask is answered without the database; a new one is read from it', async () => {
  const url = await newDatabase();
  const [store] = (await nodes(url, 1)) as [WebtaskStore];
  const record = await store.put('acme', 'warm', { code: 'a' });
  assert.equal(await store.get('acme', 'warm'), record);
  // The table out of reach: a read that needs the database fails.
  await sql(url, 'ALTER TABLE ec_webtasks RENAME TO ec_webtasks_away');
  try {
    assert.equal(await store.get('acme', 'warm'), record);
    assert.match((await rejects(store.get('acme', 'cold'))).message, /ec_webtasks/);
  } finally {
    await sql(url, 'ALTER TABLE ec_webtasks_away RENAME TO ec_webtasks');
  }
});

test('three nodes incrementing one document with etags end exactly at the count', async () => {
  const stores = await nodes(await newDatabase(), 3);
  await stores[0]!.put('acme', 'counter', { code: 'a' });
  const increment = async (store: WebtaskStore, times: number): Promise<number> => {
    let conflicts = 0;
    for (let done = 0; done < times; ) {
      const { data, etag } = (await store.readData('acme', 'counter'))!;
      try {
        await store.writeData('acme', 'counter', { n: ((data as { n?: number } | null)?.n ?? 0) + 1 }, { etag });
        done++;
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_STORAGE_CONFLICT') throw error;
        conflicts++;
      }
    }
    return conflicts;
  };
  const conflicts = await Promise.all(stores.map((store) => increment(store, 40)));
  assert.equal((await stores[1]!.readData('acme', 'counter'))?.data, { n: 120 });
  assert.ok(conflicts.reduce((a, b) => a + b) > 0, 'the writers did race');
});

test('the container limit holds across nodes writing at once', async () => {
  const stores = await nodes(await newDatabase(), 3);
  const names = Array.from({ length: 9 }, (_, i) => `w${i}`);
  for (const name of names) await stores[0]!.put('acme', name, { code: 'a' });
  const results = await Promise.allSettled(names.map((name, i) => stores[i % 3]!.writeData('acme', name, 'x'.repeat(298), { containerLimit: 1000 })));
  assert.is(results.filter((result) => result.status === 'fulfilled').length, 3);
  assert.equal(await stores[2]!.usage('acme'), { webtasks: 9, dataBytes: 900 });
});

test('notices missed while the LISTEN connection was down: the node drops everything it cached', async () => {
  const url = await newDatabase();
  const [a, b] = (await nodes(url, 2)) as [WebtaskStore, WebtaskStore];
  const first = await a.put('acme', 'hook', { code: 'v1' });
  assert.equal(await b.get('acme', 'hook'), first);
  const changes: unknown[] = [];
  b.watch!((change) => void changes.push(change));
  // Connections a's writes can use once no new one is allowed (its own reset reads with one more).
  await Promise.all(Array.from({ length: 4 }, () => a.readData('acme', 'hook')));
  const database = new URL(url).pathname.slice(1);
  const admin = Object.assign(new URL(url), { pathname: '/postgres' }).href;
  // No new connection to the database while b's LISTEN connection is cut: its notice of a's put is lost.
  await sql(admin, `ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
  let second;
  try {
    const listeners = await sql<{ pid: number }>(admin, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'", [database]);
    assert.is(listeners.length, 2);
    await sql(admin, 'SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [listeners.map((row) => row.pid)]);
    // A backend being terminated may still deliver a notice: the put waits until both are gone.
    await within(5000, async () => (await listenersOf(admin, database)) === 0);
    second = await a.put('acme', 'hook', { code: 'v2' });
  } finally {
    await sql(admin, `ALTER DATABASE ${database} ALLOW_CONNECTIONS true`);
  }
  await within(5000, async () => (await b.get('acme', 'hook'))?.version === second.version);
  assert.ok(changes.includes('all'), 'b told its watchers that anything may have changed');
  // Both nodes listen again by themselves, and notices flow: b caches, and hears of a's next change.
  await within(10_000, async () => (await listenersOf(admin, database)) === 2);
  const third = await a.put('acme', 'hook', { code: 'v3' });
  await within(1000, async () => (await b.get('acme', 'hook'))?.version === third.version);
});

async function listenersOf(admin: string, database: string): Promise<number> {
  return (await sql<{ n: number }>(admin, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'", [database]))[0]!.n;
}

test('a read that races a change never puts back what the change replaced; nothing is kept while notices may be missed', () => {
  let live = true;
  const cache = new NodeCache<string>(3, () => live);
  const before = cache.mark();
  cache.drop('a');
  cache.fill('a', 'read before the change', before);
  assert.is(cache.get('a'), undefined);
  cache.fill('a', 'read after', cache.mark());
  assert.is(cache.get('a'), 'read after');
  const old = cache.mark();
  cache.clear();
  cache.fill('b', 'read before a reset', old);
  assert.is(cache.get('b'), undefined);
  live = false;
  cache.fill('b', 'read while deaf', cache.mark());
  assert.is(cache.get('b'), undefined);
  live = true;
  for (const key of ['c', 'd', 'e', 'f']) cache.fill(key, key, cache.mark());
  assert.equal(['c', 'd', 'e', 'f'].map((key) => cache.get(key)), [undefined, 'd', 'e', 'f'], 'bounded: the oldest goes');
});

test.run();
