import { type Client, createClient } from './client.ts';
import type { Parsed } from './command.ts';
import { CliError, EXIT } from './errors.ts';
import { out } from './io.ts';
import { connectionOf } from './profile.ts';

/** A webtask as `GET /api/webtask/{container}` lists it. */
export interface WebtaskSummary {
  container: string;
  name: string;
  meta?: Record<string, string>;
  webtask_url: string;
}

/** A webtask as `GET /api/webtask/{container}/{name}?decrypt=true&fetch_code=true` answers. */
export interface WebtaskDetails extends WebtaskSummary {
  created_at?: string;
  updated_at?: string;
  secret_names?: string[];
  url?: string;
  code?: string;
  secrets?: Record<string, string>;
}

export interface WebtaskInput {
  code?: string | undefined;
  url?: string | undefined;
  secrets?: Record<string, string> | undefined;
  meta?: Record<string, string> | undefined;
}

// Meta values that are Bearer secrets: the platform keeps them in meta for discovery, so they are
// hidden like secrets unless the user asks (--decrypt).
const SECRET_META = new Set(['auth0-extension-secret']);

export function maskMeta(meta: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(meta ?? {}).map(([key, value]) => [key, SECRET_META.has(key) ? '(hidden: --decrypt shows it)' : value]));
}

export function putWebtask(client: Client, name: string, input: WebtaskInput): Promise<WebtaskSummary> {
  return client.request<WebtaskSummary>('PUT', client.webtaskPath(name), { json: input });
}

/** A client on the connection the options and the profile give. */
export async function client(parsed: Parsed): Promise<Client> {
  return createClient(await connectionOf(parsed));
}

/**
 * The `run` of a client verb that does one thing and says so in one line: `action` gets the client
 * of the connection the options and the profile give; its line is printed, and the exit code is 0.
 */
export function clientVerb(action: (api: Client, parsed: Parsed) => Promise<string>): (parsed: Parsed) => Promise<number> {
  return async (parsed) => {
    out(await action(await client(parsed), parsed));
    return EXIT.ok;
  };
}

/** The webtask with its code and secrets; exit 5 when there is none. */
export async function mustRead(api: Client, name: string): Promise<WebtaskDetails> {
  const found = await readWebtask(api, name);
  if (!found) throw noSuchWebtask(api, name);
  return found;
}

/** Exit 5, naming the container and how to list its webtasks. */
export function noSuchWebtask(api: Client, name: string): CliError {
  return new CliError(`no webtask ${name} in container ${api.connection.container}: "ext-compilers ls" lists them.`, EXIT.notFound);
}

/** The webtask with its code and secrets, or `undefined` when there is none of that name. */
export function readWebtask(client: Client, name: string): Promise<WebtaskDetails | undefined> {
  return client.request<WebtaskDetails | undefined>('GET', client.webtaskPath(name), { query: { decrypt: true, fetch_code: true }, accept: [404] });
}

/**
 * Change a stored webtask: a PUT replaces the whole webtask (meta included), so what is not
 * changed is read back first and sent again.
 */
export async function rewriteWebtask(client: Client, current: WebtaskDetails, change: Partial<WebtaskInput>): Promise<WebtaskSummary> {
  const source = change.code !== undefined || change.url !== undefined ? { code: change.code, url: change.url } : current.code !== undefined ? { code: current.code } : { url: current.url };
  return putWebtask(client, current.name, {
    ...source,
    secrets: change.secrets ?? current.secrets ?? {},
    meta: change.meta ?? current.meta ?? {},
  });
}

/** Every webtask of the container matching the meta filters, page by page. */
export async function listAll(client: Client, meta: string[]): Promise<WebtaskSummary[]> {
  const all: WebtaskSummary[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await client.request<WebtaskSummary[]>('GET', client.webtaskPath(), { query: { meta, offset, limit } });
    all.push(...page);
    if (page.length < limit) return all;
  }
}
