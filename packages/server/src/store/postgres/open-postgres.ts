import type { RevocationStore } from '@ext-compilers/tokens';
import { listenForNotices, type NoticeHandlers } from '../../cluster/notices.ts';
import type { WebtaskStore } from '../webtask-store.ts';
import { type ClusterSecrets, loadClusterSecrets } from './cluster-secrets.ts';
import { type Database, type DatabaseSettings, openDatabase } from './database.ts';
import { deriveKeys, parseMasterKey } from './master-key.ts';
import { CHANNEL, migrate } from './migrations.ts';
import { createPostgresRevocations, type PostgresRevocations } from './postgres-revocations.ts';
import { PostgresWebtaskStore } from './postgres-webtasks.ts';

/** How a node opens the cluster's database. */
export interface PostgresSettings extends Omit<DatabaseSettings, 'onError'> {
  /** The cluster's master key: 32 bytes, or their base64url (as `ext-compilers keygen` prints). */
  readonly masterKey: string | Buffer;
  /** Where the node reports a connection it lost (it makes it again by itself). */
  readonly logger?: { error(...args: unknown[]): void } | undefined;
}

/** What a node has of the cluster: the store, the revocations and the shared secrets. */
export interface PostgresCluster {
  /** Closing it closes the rest (the LISTEN connection, the pool). */
  readonly store: WebtaskStore;
  readonly revocations: RevocationStore;
  readonly secrets: ClusterSecrets;
}

/**
 * Open the database as one node of a cluster: migrate it and make the cluster's secrets (once,
 * under the advisory lock), start listening for the other nodes' notices, then read the
 * revocations. LISTEN comes before that read, so that no revocation falls between the two.
 */
export async function openPostgres(settings: PostgresSettings): Promise<PostgresCluster> {
  const keys = deriveKeys(typeof settings.masterKey === 'string' ? parseMasterKey(settings.masterKey) : settings.masterKey);
  const report = (what: string) => (error: Error) => settings.logger?.error(`ext-compilers server: ${what}:`, error.message);
  const db = openDatabase({ ...settings, onError: report('a database connection failed') });
  try {
    const secrets = await migrate(db, (client) => loadClusterSecrets(client, keys));
    let handlers: NoticeHandlers = { notice() {}, reset() {} };
    const notices = await listenForNotices(() => db.client(), CHANNEL, {
      notice: (payload) => handlers.notice(payload),
      reset: () => handlers.reset(),
      error: report('the LISTEN connection was lost (reconnecting; caches dropped)'),
    });
    const revocations = createPostgresRevocations(db, () => notices.live);
    const release = async () => {
      await notices.close();
      await db.pool.end();
    };
    const webtasks = new PostgresWebtaskStore({ db, keys, live: () => notices.live, release });
    handlers = {
      notice: (payload) => dispatch(db, payload, webtasks, revocations),
      reset() {
        webtasks.reset();
        // Until it is read again, revocations are asked of the database.
        revocations.reset().catch(report('reading the revocations again failed'));
      },
    };
    await revocations.reset().catch(async (error: unknown) => {
      await notices.close();
      throw error;
    });
    return { store: webtasks, revocations, secrets };
  } catch (error) {
    await db.pool.end();
    throw error;
  }
}

/** A notice of another node: `[kind, origin, ...ids]` (see the triggers in migrations.ts). */
function dispatch(db: Database, payload: string, webtasks: PostgresWebtaskStore, revocations: PostgresRevocations): void {
  let notice: unknown;
  try {
    notice = JSON.parse(payload);
  } catch {
    return;
  }
  if (!Array.isArray(notice) || notice[1] === db.origin) return;
  const [kind, , first, second] = notice as [unknown, unknown, unknown, unknown];
  if (kind === 'r' && typeof first === 'string') revocations.revoked(first);
  else if ((kind === 'w' || kind === 'd') && typeof first === 'string' && typeof second === 'string') webtasks.changed(first, second, kind === 'w');
}
