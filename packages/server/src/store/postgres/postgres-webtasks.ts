import type { ContainerUsage, GetOptions, ListOptions, StoreChange, StoredData, WebtaskInput, WebtaskRecord, WebtaskStore, WriteDataOptions } from '../webtask-store.ts';
import { serializeData, toStoredData } from '../internal/data.ts';
import { checkOpen, type Entry, ready, reveal, sealWebtask, type StoredWebtask, toRecord } from '../internal/indexed-store.ts';
import { createSerial, type Serial } from '../internal/serial.ts';
import { checkGet, checkInput, checkList, checkName, checkWriteData } from '../internal/validate.ts';
import { createAesVault, openText, sealText, type Vault } from '../internal/vault.ts';
import type { Database } from './database.ts';
import type { ClusterKeys } from './master-key.ts';
import { tagOf } from './master-key.ts';
import { NodeCache } from './node-cache.ts';
import { refusedWrite, WRITE_DATA, writeValues } from './postgres-data.ts';

/** What the PostgreSQL store is made of. */
export interface PostgresParts {
  readonly db: Database;
  readonly keys: ClusterKeys;
  /** Whether notices reach this node (what it caches is kept only then). */
  readonly live: () => boolean;
  /** Close what the store runs on (the LISTEN connection, the pool). */
  readonly release: () => Promise<void>;
}

interface PgState extends PostgresParts {
  readonly vault: Vault;
  /** Each webtask read, or `null` for one that does not exist, until a change. */
  readonly cache: NodeCache<Entry | null>;
  readonly serial: Serial;
  readonly watchers: Set<(change: StoreChange) => void>;
  closed: boolean;
}

interface WebtaskRow {
  container: string;
  name: string;
  generation: string;
  version: string;
  body: unknown;
  created_at: string;
  updated_at: string;
}

const MAX_CACHED = 10_000;
const COLUMNS = 'container, name, generation, version, body, created_at, updated_at';

// A put keeps the generation and created_at of the webtask it replaces, and its storage.
const PUT = `WITH known AS (INSERT INTO ec_containers (container) VALUES ($1) ON CONFLICT DO NOTHING)
  INSERT INTO ec_webtasks (container, name, generation, version, body, meta_tags, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (container, name) DO UPDATE SET version = EXCLUDED.version, body = EXCLUDED.body, meta_tags = EXCLUDED.meta_tags, updated_at = EXCLUDED.updated_at
  RETURNING generation, created_at`;
const GET = `SELECT ${COLUMNS} FROM ec_webtasks WHERE container = $1 AND name = $2`;
// The storage document's bytes leave the container's total with it.
const DELETE = `WITH gone AS (DELETE FROM ec_webtasks WHERE container = $1 AND name = $2 RETURNING data_bytes),
  counted AS (UPDATE ec_containers c SET data_bytes = c.data_bytes - gone.data_bytes FROM gone WHERE c.container = $1)
  SELECT count(*)::int AS deleted FROM gone`;
const LIST = `SELECT ${COLUMNS} FROM ec_webtasks WHERE container = $1 AND meta_tags @> $2::text[] ORDER BY name OFFSET $3 LIMIT $4`;
const CONTAINERS = 'SELECT DISTINCT container FROM ec_webtasks ORDER BY container';
const USAGE = `SELECT (SELECT count(*)::int FROM ec_webtasks WHERE container = $1) AS webtasks,
  coalesce((SELECT data_bytes FROM ec_containers WHERE container = $1), 0)::float8 AS bytes`;
const READ_DATA = 'SELECT data FROM ec_webtasks WHERE container = $1 AND name = $2';

/**
 * The PostgreSQL {@link WebtaskStore}: what each method does in SQL is beside its statement above.
 * A node keeps each webtask it read (`#cache`) until a notice of another node's change drops it,
 * so a warm run reads no row; `changed()` and `reset()` are the node's notices, told to `watch`ers.
 */
export class PostgresWebtaskStore implements WebtaskStore {
  readonly #state: PgState;

  constructor(parts: PostgresParts) {
    this.#state = { ...parts, vault: createAesVault(parts.keys.sealing), cache: new NodeCache(MAX_CACHED, parts.live), serial: createSerial(), watchers: new Set(), closed: false };
  }

  put(container: string, name: string, input: WebtaskInput): Promise<WebtaskRecord> {
    return put(this.#state, container, name, input);
  }

  get(container: string, name: string, options?: GetOptions): Promise<WebtaskRecord | undefined> {
    return get(this.#state, container, name, options);
  }

  delete(container: string, name: string): Promise<boolean> {
    return remove(this.#state, container, name);
  }

  list(container: string, options?: ListOptions): Promise<WebtaskRecord[]> {
    return list(this.#state, container, options);
  }

  containers(): Promise<string[]> {
    return containers(this.#state);
  }

  usage(container: string): Promise<ContainerUsage> {
    return usage(this.#state, container);
  }

  readData(container: string, name: string): Promise<StoredData | undefined> {
    return readData(this.#state, container, name);
  }

  writeData(container: string, name: string, data: unknown, options?: WriteDataOptions): Promise<StoredData | undefined> {
    return writeData(this.#state, container, name, data, options);
  }

  watch(watcher: (change: StoreChange) => void): () => void {
    this.#state.watchers.add(watcher);
    return () => void this.#state.watchers.delete(watcher);
  }

  close(): Promise<void> {
    return close(this.#state);
  }

  /** Another node changed a webtask (`record`: the webtask itself, not only its storage). */
  changed(container: string, name: string, record: boolean): void {
    if (record) this.#state.cache.drop(keyOf(container, name));
    for (const watcher of this.#state.watchers) watcher({ container, name });
  }

  /** Notices may have been missed: drop everything. */
  reset(): void {
    this.#state.cache.clear();
    for (const watcher of this.#state.watchers) watcher('all');
  }
}

async function put(state: PgState, container: string, name: string, input: WebtaskInput): Promise<WebtaskRecord> {
  checkOpen(state, container, name);
  const content = checkInput(input);
  return state.serial.run(keyOf(container, name), async () => {
    const stored = sealWebtask(state.vault, container, name, content, undefined);
    const values = [container, name, stored.generation, stored.version, sealBody(state, stored), metaTags(state, stored.meta), stored.created_at, stored.updated_at];
    const [row] = await state.db.query<{ generation: string; created_at: string }>('ec_put', PUT, values);
    state.cache.drop(keyOf(container, name));
    return toRecord({ ...stored, generation: row!.generation, created_at: row!.created_at });
  });
}

async function get(state: PgState, container: string, name: string, options: GetOptions | undefined): Promise<WebtaskRecord | undefined> {
  checkOpen(state, container, name);
  const decrypt = checkGet(options);
  const entry = await find(state, container, name);
  if (entry === undefined) return undefined;
  return decrypt ? reveal(state.vault, entry) : entry.record;
}

/** A webtask as this node knows it, from the database the first time (and after each change). */
async function find(state: PgState, container: string, name: string): Promise<Entry | undefined> {
  const key = keyOf(container, name);
  const cached = state.cache.get(key);
  if (cached !== undefined) return cached ?? undefined;
  const mark = state.cache.mark();
  const [row] = await state.db.query<WebtaskRow>('ec_get', GET, [container, name]);
  const entry = row === undefined ? null : entryOf(state, row);
  state.cache.fill(key, entry, mark);
  return entry ?? undefined;
}

async function remove(state: PgState, container: string, name: string): Promise<boolean> {
  checkOpen(state, container, name);
  return state.serial.run(keyOf(container, name), async () => {
    const [row] = await state.db.query<{ deleted: number }>('ec_delete', DELETE, [container, name]);
    state.cache.drop(keyOf(container, name));
    return row!.deleted === 1;
  });
}

async function list(state: PgState, container: string, options: ListOptions | undefined): Promise<WebtaskRecord[]> {
  ready(state);
  checkName('container', container);
  const { meta, offset, limit } = checkList(options);
  const tags = meta.map(([key, value]) => tagOf(state.keys, JSON.stringify([key, value])));
  const rows = await state.db.query<WebtaskRow>('ec_list', LIST, [container, tags, offset, limit]);
  return rows.map((row) => entryOf(state, row).record);
}

async function containers(state: PgState): Promise<string[]> {
  ready(state);
  return (await state.db.query<{ container: string }>('ec_containers', CONTAINERS, [])).map((row) => row.container);
}

async function usage(state: PgState, container: string): Promise<ContainerUsage> {
  ready(state);
  checkName('container', container);
  const [row] = await state.db.query<{ webtasks: number; bytes: number }>('ec_usage', USAGE, [container]);
  return { webtasks: row!.webtasks, dataBytes: row!.bytes };
}

async function readData(state: PgState, container: string, name: string): Promise<StoredData | undefined> {
  checkOpen(state, container, name);
  const [row] = await state.db.query<{ data: unknown }>('ec_read_data', READ_DATA, [container, name]);
  if (row === undefined) return undefined;
  return toStoredData(openData(state, container, name, row.data));
}

/**
 * One compare-and-set in SQL (see WRITE_DATA): of writers on any nodes that expect one etag, one
 * wins. When it writes nothing, `refusedWrite` tells why: a webtask gone, a conflict, the
 * container's limit, or nothing any more (it changed meanwhile), and then the write is tried again.
 */
async function writeData(state: PgState, container: string, name: string, data: unknown, options: WriteDataOptions | undefined): Promise<StoredData | undefined> {
  checkOpen(state, container, name);
  const settings = checkWriteData(options);
  const json = serializeData(data);
  const sealed = json === undefined ? null : sealText(state.keys.sealing, json, dataContext(container, name));
  const tag = (etag: string | null) => (etag === null ? null : tagOf(state.keys, etag));
  return state.serial.run(keyOf(container, name), async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const written = await state.db.query('ec_write_data', WRITE_DATA, writeValues({ container, name, sealed, json, settings, tag }));
      if (written.length === 1) return toStoredData(json);
      const current = await refusedWrite(state.db, { container, name, json, settings }, (sealedData) => openData(state, container, name, sealedData));
      if (current === 'gone') return undefined;
    }
    throw new Error(`The storage document of ${container}/${name} changes too fast to be written`);
  });
}

async function close(state: PgState): Promise<void> {
  if (state.closed) return;
  state.closed = true;
  await state.serial.idle();
  await state.release();
}

function keyOf(container: string, name: string): string {
  return JSON.stringify([container, name]);
}

// What is sealed is bound to where it belongs: a body or a document copied to another row fails to open.
const bodyContext = (container: string, name: string, version: string) => JSON.stringify(['ext-compilers/pg-webtask/1', container, name, version]);
const dataContext = (container: string, name: string) => JSON.stringify(['ext-compilers/pg-data/1', container, name]);

/** A webtask's content (code or url, meta, secret names and sealed values), sealed: nothing of it in clear in the database. */
function sealBody(state: PgState, stored: StoredWebtask): unknown {
  const { code, url, meta, secret_names, secrets } = stored;
  return sealText(state.keys.sealing, JSON.stringify({ code, url, meta, secret_names, secrets }), bodyContext(stored.container, stored.name, stored.version));
}

/** list's meta filters match tags of `[key, value]` pairs, so SQL can filter without the pairs in clear. */
function metaTags(state: PgState, meta: Readonly<Record<string, string>>): string[] {
  return Object.entries(meta).map((pair) => tagOf(state.keys, JSON.stringify(pair)));
}

function entryOf(state: PgState, row: WebtaskRow): Entry {
  const { container, name, generation, version, created_at, updated_at } = row;
  let content: Pick<StoredWebtask, 'code' | 'url' | 'meta' | 'secret_names' | 'secrets'>;
  try {
    content = JSON.parse(openText(state.keys.sealing, row.body, bodyContext(container, name, version)));
  } catch (error) {
    // Not an ExtCompilersError: answered as any internal error (500), without details.
    throw new Error(`The webtask ${container}/${name} cannot be decrypted: it was altered, or the master key is not the one it was sealed with`, { cause: error });
  }
  const stored: StoredWebtask = { ...content, meta: Object.freeze(content.meta), secret_names: Object.freeze(content.secret_names), container, name, generation, version, created_at, updated_at };
  return { stored, record: toRecord(stored) };
}

function openData(state: PgState, container: string, name: string, sealed: unknown): string | undefined {
  if (sealed === null || sealed === undefined) return undefined;
  try {
    return openText(state.keys.sealing, sealed, dataContext(container, name));
  } catch (error) {
    throw new Error(`The storage document of ${container}/${name} cannot be decrypted: it was altered, or the master key is not the one it was sealed with`, { cause: error });
  }
}
