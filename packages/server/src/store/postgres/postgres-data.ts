import type { WriteDataOptions } from '../webtask-store.ts';
import { checkEtag, etagOf } from '../internal/data.ts';
import { checkContainerLimit, sizeOf } from '../internal/usage.ts';
import type { Database } from './database.ts';

/**
 * A storage write as one statement: the webtask's row is locked only if it still is the
 * generation the write is for and holds the etag it expects ($4: no check) — compared as keyed
 * tags, the etags themselves are not in the database — then the container's total takes the
 * change unless it grows past the limit ($8), then the document is replaced. Under READ
 * COMMITTED a row another writer changed meanwhile is checked again in its new version once that
 * writer commits, so of writers expecting one etag exactly one writes, on whichever nodes they are.
 * Rows are locked webtask first, container second, as every statement here does: no deadlock.
 */
export const WRITE_DATA = `WITH target AS (
    SELECT data_bytes FROM ec_webtasks
    WHERE container = $1 AND name = $2 AND ($3::text IS NULL OR generation = $3) AND ($4::boolean OR data_tag IS NOT DISTINCT FROM $5::text)
    FOR UPDATE
  ), counted AS (
    UPDATE ec_containers c SET data_bytes = c.data_bytes - target.data_bytes + $7::integer FROM target
    WHERE c.container = $1 AND ($8::bigint IS NULL OR $7::integer <= target.data_bytes OR c.data_bytes - target.data_bytes + $7::integer <= $8::bigint)
    RETURNING 1
  )
  UPDATE ec_webtasks SET data = $6, data_tag = $9, data_bytes = $7::integer
  WHERE container = $1 AND name = $2 AND EXISTS (SELECT 1 FROM counted)
  RETURNING 1`;

const WHY = `SELECT w.generation, w.data, w.data_bytes, c.data_bytes::float8 AS total
  FROM ec_webtasks w JOIN ec_containers c ON c.container = w.container WHERE w.container = $1 AND w.name = $2`;

interface Write {
  readonly container: string;
  readonly name: string;
  readonly json: string | undefined;
  readonly settings: WriteDataOptions;
}

/** WRITE_DATA's values for a write of `json`, sealed as `sealed`; `tag` turns an etag into its tag. */
export function writeValues(write: Write & { sealed: unknown; tag: (etag: string | null) => string | null }): unknown[] {
  const { container, name, json, settings, sealed, tag } = write;
  const unchecked = settings.force === true || settings.etag === undefined;
  const expected = unchecked ? null : tag(settings.etag ?? null);
  return [container, name, settings.generation ?? null, unchecked, expected, sealed, sizeOf(json), settings.containerLimit ?? null, tag(etagOf(json))];
}

/**
 * Why WRITE_DATA wrote nothing, read after it: `'gone'` (no such webtask, or not of the write's
 * generation); a conflict or the container's limit, thrown as the embedded store throws them; or
 * `'again'` when nothing stands in the way any more (the document changed between the two).
 */
export async function refusedWrite(db: Database, write: Write, open: (sealed: unknown) => string | undefined): Promise<'gone' | 'again'> {
  const { container, name, json, settings } = write;
  const [row] = await db.query<{ generation: string; data: unknown; data_bytes: number; total: number }>('ec_why_refused', WHY, [container, name]);
  if (row === undefined || (settings.generation !== undefined && settings.generation !== row.generation)) return 'gone';
  checkEtag(open(row.data), settings);
  const after = sizeOf(json);
  checkContainerLimit(container, settings.containerLimit, row.data_bytes, after, row.total - row.data_bytes + after);
  return 'again';
}
