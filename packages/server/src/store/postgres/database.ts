import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** How a node reaches the cluster's database. */
export interface DatabaseSettings {
  /** `postgres://user:password@host:port/database` */
  readonly url: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number | undefined;
  /** The longest a statement may run, in ms, before the database cancels it. Default 10000. */
  readonly statementTimeout?: number | undefined;
  /** Where the pool reports a connection it lost while idle. */
  readonly onError?: ((error: Error) => void) | undefined;
}

/** The node's pool, and what names the node's own connections. */
export interface Database {
  readonly pool: pg.Pool;
  /** The `application_name` of every connection of this node: notices it caused carry it. */
  readonly origin: string;
  /** A statement, prepared by `name` once per connection. */
  query<R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]): Promise<R[]>;
  /** A connection of its own (the LISTEN connection), with the pool's settings. */
  client(): pg.Client;
}

const DEFAULT_POOL = 10;
const DEFAULT_STATEMENT_TIMEOUT = 10_000;
const CONNECT_TIMEOUT = 10_000;

export function openDatabase(settings: DatabaseSettings): Database {
  if (typeof settings.url !== 'string' || !/^postgres(ql)?:\/\//.test(settings.url)) throw new TypeError('The database is a postgres:// URL');
  const origin = `ext-compilers:${randomUUID()}`;
  const config: pg.ClientConfig = {
    connectionString: settings.url,
    application_name: origin,
    statement_timeout: settings.statementTimeout ?? DEFAULT_STATEMENT_TIMEOUT,
    connectionTimeoutMillis: CONNECT_TIMEOUT,
    keepAlive: true,
  };
  const pool = new pg.Pool({ ...config, max: settings.poolSize ?? DEFAULT_POOL, idleTimeoutMillis: 30_000 });
  // An idle connection the server drops emits 'error' on the pool: without a listener it would end the process.
  pool.on('error', (error) => settings.onError?.(error));
  return {
    pool,
    origin,
    query: async (name, text, values) => (await pool.query({ name, text, values })).rows,
    client: () => new pg.Client(config),
  };
}
