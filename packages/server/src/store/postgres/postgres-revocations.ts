import type { RevocationStore } from '@ext-compilers/tokens';
import type { Database } from './database.ts';

/** The cluster's revocations, and what the node's notices tell them. */
export interface PostgresRevocations extends RevocationStore {
  /** Another node revoked `jti`. */
  revoked(jti: string): void;
  /** Notices may have been missed: ask the database until every revocation is read again. */
  reset(): Promise<void>;
}

const JTI = /^[0-9a-f]{32}$/;

/**
 * Revoked jtis in `ec_revocations`, inserted before the revocation is answered. Each node holds
 * them all in memory, kept current by notices, so checking a token costs no round trip; while
 * its notices may be incomplete (`live()` false, or re-reading after a reset) it asks the database.
 * Revocations are never undone, so what the node holds only grows.
 */
export function createPostgresRevocations(db: Database, live: () => boolean): PostgresRevocations {
  const revoked = new Set<string>();
  let current = false;
  let resets = 0;
  return {
    async isRevoked(jtis) {
      if (jtis.some((jti) => revoked.has(jti))) return true;
      if (live() && current) return false;
      const rows = await db.query('ec_is_revoked', 'SELECT 1 FROM ec_revocations WHERE jti = ANY($1::text[]) LIMIT 1', [jtis]);
      return rows.length > 0;
    },
    async revoke(jti) {
      if (!JTI.test(jti)) throw new TypeError('A jti is 32 hex characters.');
      await db.query('ec_revoke', 'INSERT INTO ec_revocations (jti) VALUES ($1) ON CONFLICT DO NOTHING', [jti]);
      revoked.add(jti);
    },
    revoked(jti) {
      if (JTI.test(jti)) revoked.add(jti);
    },
    async reset() {
      current = false;
      const mine = ++resets;
      const rows = await db.query<{ jti: string }>('ec_revocations', 'SELECT jti FROM ec_revocations', []);
      for (const { jti } of rows) revoked.add(jti);
      if (mine === resets) current = true;
    },
  };
}
