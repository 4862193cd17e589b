import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { openText, sealText } from '../internal/vault.ts';
import type { ClusterKeys } from './master-key.ts';

/** What every node of a cluster shares besides the data: made once, by the first node. */
export interface ClusterSecrets {
  /** 64 bytes: the token service's signing key, then its encryption key. */
  readonly tokenKeys: Buffer;
  readonly adminToken: string;
  /** Whether this node made them (the cluster's first start). */
  readonly created: boolean;
}

const MAKERS: Record<string, () => string> = {
  'token-keys': () => randomBytes(64).toString('base64'),
  'admin-token': () => `ecadm_${randomBytes(32).toString('base64url')}`,
};

const context = (name: string): string => JSON.stringify(['ext-compilers/cluster-secret/1', name]);

/**
 * The cluster's token keys and admin token, sealed with the master key in `ec_secrets`: made
 * when missing (under the migration lock, so once), then read back and opened. A master key that
 * is not the one they were sealed with is refused here, before anything else is read.
 */
export async function loadClusterSecrets(client: pg.PoolClient, keys: ClusterKeys): Promise<ClusterSecrets> {
  let created = false;
  for (const [name, make] of Object.entries(MAKERS)) {
    const sealed = sealText(keys.sealing, make(), context(name));
    const inserted = await client.query('INSERT INTO ec_secrets (name, sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, sealed]);
    created ||= inserted.rowCount === 1;
  }
  const rows = (await client.query<{ name: string; sealed: unknown }>('SELECT name, sealed FROM ec_secrets')).rows;
  const open = (name: string): string => {
    try {
      return openText(keys.sealing, rows.find((row) => row.name === name)?.sealed, context(name));
    } catch (error) {
      throw new Error("The master key is not this database's: its secrets cannot be opened with it (every node of a cluster starts with the same key)", { cause: error });
    }
  };
  return { tokenKeys: Buffer.from(open('token-keys'), 'base64'), adminToken: open('admin-token'), created };
}
