import type pg from 'pg';
import type { Database } from './database.ts';

// Taken for the whole of `migrate`: of nodes started at the same moment, one migrates and makes
// the cluster's secrets, the others wait and then find them made. ("ec" and issue 17.)
const LOCK = 0x65_63_00_17;
// Waiting for another node's migration is a statement too: longer than the pool's default.
const MIGRATION_TIMEOUT = '120s';

export const CHANNEL = 'ext_compilers';

/**
 * The schema, one step per version, each applied once in its own transaction and recorded in
 * `ec_migrations`; a step is never edited once released, only followed by another. Names are
 * `COLLATE "C"`: ordered by byte, which for the ASCII the names allow is the code unit order the
 * stores list in. What is secret is sealed (`body`, `data`) or a keyed tag (`meta_tags`,
 * `data_tag`); see the server README's PostgreSQL section.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE ec_webtasks (
     container text COLLATE "C" NOT NULL,
     name text COLLATE "C" NOT NULL,
     generation text NOT NULL,
     version text NOT NULL,
     body jsonb NOT NULL,
     meta_tags text[] NOT NULL,
     created_at text NOT NULL,
     updated_at text NOT NULL,
     data jsonb,
     data_tag text,
     data_bytes integer NOT NULL DEFAULT 0,
     PRIMARY KEY (container, name)
   );
   CREATE INDEX ec_webtasks_meta ON ec_webtasks USING gin (meta_tags);
   CREATE TABLE ec_containers (container text COLLATE "C" PRIMARY KEY, data_bytes bigint NOT NULL DEFAULT 0);
   CREATE TABLE ec_revocations (jti text PRIMARY KEY, revoked_at timestamptz NOT NULL DEFAULT now());
   CREATE TABLE ec_secrets (name text PRIMARY KEY, sealed jsonb NOT NULL);
   -- Every change of a webtask is announced to the other nodes: ids and a generation, never content.
   -- 'w': the webtask changed (or came, or went); 'd': only its storage document did.
   CREATE FUNCTION ec_notify_webtask() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     changed ec_webtasks;
     kind text := 'w';
   BEGIN
     IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
     IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN kind := 'd'; END IF;
     PERFORM pg_notify('${CHANNEL}', json_build_array(kind, current_setting('application_name'), changed.container, changed.name, changed.generation)::text);
     RETURN NULL;
   END $$;
   CREATE TRIGGER ec_webtasks_notify AFTER INSERT OR UPDATE OR DELETE ON ec_webtasks FOR EACH ROW EXECUTE FUNCTION ec_notify_webtask();
   CREATE FUNCTION ec_notify_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM pg_notify('${CHANNEL}', json_build_array('r', current_setting('application_name'), NEW.jti)::text);
     RETURN NULL;
   END $$;
   CREATE TRIGGER ec_revocations_notify AFTER INSERT ON ec_revocations FOR EACH ROW EXECUTE FUNCTION ec_notify_revocation();`,
];

/**
 * Bring the database to the latest schema, then run `then` (the cluster's secrets are made
 * there), all under the cluster's advisory lock. Refuses a database a newer release migrated.
 */
export async function migrate<T>(database: Database, then: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await database.pool.connect();
  try {
    await client.query(`SET statement_timeout = '${MIGRATION_TIMEOUT}'`);
    await client.query('SELECT pg_advisory_lock($1)', [LOCK]);
    try {
      await applyMigrations(client);
      return await then(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK]);
      await client.query('RESET statement_timeout');
    }
  } finally {
    client.release();
  }
}

async function applyMigrations(client: pg.PoolClient): Promise<void> {
  await client.query('CREATE TABLE IF NOT EXISTS ec_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const [{ version }] = (await client.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM ec_migrations')).rows as [{ version: number }];
  if (version > MIGRATIONS.length) {
    throw new Error(`The database's schema is version ${version}, made by a newer ext-compilers; this one knows up to ${MIGRATIONS.length}: upgrade this node`);
  }
  for (let next = version + 1; next <= MIGRATIONS.length; next++) {
    await client.query('BEGIN');
    try {
      await client.query(MIGRATIONS[next - 1]!);
      await client.query('INSERT INTO ec_migrations (version) VALUES ($1)', [next]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new Error(`Migrating the database to schema version ${next} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}
