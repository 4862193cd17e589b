import type { WebtaskStore } from '../webtask-store.ts';
import { openPostgres } from './open-postgres.ts';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** The database: `postgres://user:password@host:5432/database`. */
  readonly url: string;
  /** The cluster's master key: 32 bytes, or their base64url (`ext-compilers keygen`). Every node has the same. */
  readonly masterKey: string | Buffer;
  /** Connections in this node's pool. Default 10. */
  readonly poolSize?: number | undefined;
  /** The longest one statement may run, in ms. Default 10000. */
  readonly statementTimeout?: number | undefined;
  /** Where a lost connection is reported (the store makes it again by itself). */
  readonly logger?: { error(...args: unknown[]): void } | undefined;
}

/**
 * A {@link WebtaskStore} in PostgreSQL that several server nodes share: the database is migrated
 * on open (once, under an advisory lock, whichever node comes first), webtasks, their secrets and
 * storage documents are sealed with the master key, storage writes are compare-and-set in SQL,
 * and what a node caches is dropped when another node changes it (LISTEN/NOTIFY; `watch`).
 * Closing it closes its connections.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<WebtaskStore> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createPostgresStore() takes an options object');
  return (await openPostgres(options)).store;
}
