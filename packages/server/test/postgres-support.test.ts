// The test harness's PostgreSQL (postgres-support.ts): a real server whose databases start empty,
// that stops when told, and that never outlives the process that started it, even one killed
// with -9.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { newDatabase, stopPostgres, usePostgres } from './postgres-support.ts';

const test = suite('test postgres');
test.after(() => stopPostgres());

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function refused(url: string): Promise<boolean> {
  try {
    await query(url, 'SELECT 1');
    return false;
  } catch (error) {
    return (error as { code?: string }).code === 'ECONNREFUSED';
  }
}

test('each database is a new, empty one on a real server', async () => {
  const [a, b] = [await newDatabase(), await newDatabase()];
  assert.is.not(a, b);
  await query(a, 'CREATE TABLE only_in_a (n int)');
  assert.equal(await query(b, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'"), [{ n: 0 }]);
  const [{ server_version_num: version }] = (await query(a, 'SHOW server_version_num')) as [{ server_version_num: string }];
  assert.ok(Number(version) >= 130000, version);
});

test('stopPostgres stops the server and removes its files; the next use starts another', async () => {
  const url = await newDatabase();
  const { source } = await usePostgres();
  await stopPostgres();
  if (source !== 'DATABASE_URL') assert.ok(await refused(url), 'the server is gone');
  const again = await newDatabase();
  assert.equal(await query(again, 'SELECT 1 AS one'), [{ one: 1 }]);
});

test('a process killed with -9 leaves no server running', async () => {
  if ((await usePostgres()).source !== 'initdb') return;
  const script = `
    import { newDatabase } from ${JSON.stringify(fileURLToPath(new URL('./postgres-support.ts', import.meta.url)))};
    console.log(await newDatabase());
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', () => reject(new Error('the child ended before its server started')));
  });
  assert.equal(await query(url, 'SELECT 1 AS one'), [{ one: 1 }]);
  const directory = (await query(url, 'SHOW data_directory')) as [{ data_directory: string }];
  child.kill('SIGKILL');
  const deadline = Date.now() + 10_000;
  while (!(await refused(url)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(await refused(url), 'the orphaned server stopped');
  while (existsSync(directory[0].data_directory) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.not.ok(existsSync(directory[0].data_directory), 'and its files are gone');
});

test.run();
