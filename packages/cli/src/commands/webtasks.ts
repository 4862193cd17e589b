import type { Command, Parsed } from '../internal/command.ts';
import { EXIT, usageError } from '../internal/errors.ts';
import { nameFromFile, pairs, readUserFile, secretsOf } from '../internal/inputs.ts';
import { out, table } from '../internal/io.ts';
import { client, clientVerb, maskMeta, mustRead, noSuchWebtask, putWebtask, readWebtask, rewriteWebtask, type WebtaskDetails, type WebtaskSummary } from '../internal/webtasks.ts';

const SECRET = { type: 'list', value: 'K=V', description: 'a secret (ctx.secrets.K), encrypted at rest' } as const;
const META = { type: 'list', value: 'K=V', description: 'a metadata entry (wt-compiler=…, auth0-extension-name=…)' } as const;
const SECRETS_FILE = { type: 'string', value: 'FILE', description: 'secrets from a dotenv file (KEY=VALUE lines); --secret wins' } as const;
const URL_CODE = { type: 'string', value: 'URL', description: 'run the code at this http(s) URL instead of a file' } as const;


/** `FILE` or `--url-code URL`, exactly one. */
async function source(parsed: Parsed, command: string): Promise<{ code?: string; url?: string } | undefined> {
  const file = parsed.arg('FILE');
  const url = parsed.string('url-code');
  if (file !== undefined && url !== undefined) throw usageError(`give FILE or --url-code, not both: run "ext-compilers ${command} --help".`);
  if (url !== undefined) {
    if (!/^https?:\/\//i.test(url)) throw usageError(`--url-code must be an http(s) URL, not "${url}".`);
    return { url };
  }
  return file === undefined ? undefined : { code: await readUserFile(file) };
}

export const create: Command = {
  name: 'create',
  summary: 'Create a webtask from a file (or a URL); over one of that name, new code that keeps its secrets and metadata.',
  description: 'Over an existing webtask of that name, the code is replaced and the secrets and metadata it has are kept, those given here added or changed (as "update" does); with --replace the webtask is made anew with only what is given here.',
  args: [{ name: 'FILE', optional: true, description: 'the code: a CommonJS module exporting the webtask function' }],
  options: {
    name: { type: 'string', short: 'n', value: 'NAME', description: 'the webtask name (default: the file name without its extension)' },
    secret: SECRET,
    'secrets-file': SECRETS_FILE,
    meta: META,
    'url-code': URL_CODE,
    replace: { type: 'boolean', description: 'over an existing webtask, drop the secrets and metadata not given here' },
  },
  client: true,
  examples: ['ext-compilers create hello.js', 'ext-compilers create hook.js --name exchange --secret API_KEY=abc --meta wt-compiler=ext-compilers/client-credentials-exchange', 'ext-compilers create hello.js --replace'],
  async run(parsed) {
    const code = await source(parsed, 'create');
    if (!code) throw usageError('"create" needs FILE (or --url-code URL): run "ext-compilers create --help".');
    const name = parsed.string('name') ?? (parsed.arg('FILE') ? nameFromFile(parsed.arg('FILE')!) : undefined);
    if (!name) throw usageError('with --url-code, name the webtask with --name.');
    const secrets = await secretsOf(parsed.list('secret'), parsed.string('secrets-file'));
    const meta = pairs(parsed.list('meta'), 'meta');
    const api = await client(parsed);
    const current = parsed.flag('replace') ? undefined : await readWebtask(api, name);
    const created = await putWebtask(api, name, { ...code, secrets: { ...current?.secrets, ...secrets }, meta: { ...current?.meta, ...meta } });
    const kept = current ? Object.keys(current.secrets ?? {}).filter((key) => !(key in secrets)) : [];
    if (current) out(`Replaced the code of webtask ${created.name} in container ${created.container}${kept.length ? `, keeping its secrets ${kept.join(', ')} (--replace drops them)` : ''}. Run it with:`);
    else out(`Created webtask ${created.name} in container ${created.container}. Run it with:`);
    out(`  curl -X POST ${created.webtask_url}`);
    return EXIT.ok;
  },
};

export const update: Command = {
  name: 'update',
  summary: 'Change a webtask: new code, secrets or metadata; what is not mentioned is kept.',
  args: [
    { name: 'NAME', description: 'the webtask to change' },
    { name: 'FILE', optional: true, description: 'new code (default: keep the code)' },
  ],
  options: {
    secret: { ...SECRET, description: 'set a secret' },
    'secrets-file': SECRETS_FILE,
    'unset-secret': { type: 'list', value: 'K', description: 'remove a secret' },
    meta: { ...META, description: 'set a metadata entry' },
    'unset-meta': { type: 'list', value: 'K', description: 'remove a metadata entry' },
    'url-code': URL_CODE,
  },
  client: true,
  examples: ['ext-compilers update hello hello.js', 'ext-compilers update hello --secret API_KEY=new --unset-meta wt-debug'],
  async run(parsed) {
    const name = parsed.arg('NAME')!;
    const code = await source(parsed, 'update');
    const extraSecrets = await secretsOf(parsed.list('secret'), parsed.string('secrets-file'));
    const extraMeta = pairs(parsed.list('meta'), 'meta');
    const api = await client(parsed);
    const current = await mustRead(api, name);
    const secrets = without({ ...current.secrets, ...extraSecrets }, parsed.list('unset-secret'));
    const meta = without({ ...current.meta, ...extraMeta }, parsed.list('unset-meta'));
    const updated = await rewriteWebtask(api, current, { ...code, secrets, meta });
    out(`Updated webtask ${updated.name} in container ${updated.container}: ${updated.webtask_url}`);
    return EXIT.ok;
  },
};

function without(record: Record<string, string>, keys: string[]): Record<string, string> {
  for (const key of keys) delete record[key];
  return record;
}

export const ls: Command = {
  name: 'ls',
  summary: 'List the webtasks of the container.',
  options: {
    meta: { type: 'list', value: 'K=V', description: 'only webtasks whose metadata has K=V' },
    offset: { type: 'integer', value: 'N', description: 'skip the first N', default: '0' },
    limit: { type: 'integer', value: 'N', description: 'list at most N (up to 1000)', default: '100' },
    json: { type: 'boolean', description: 'print the list as JSON' },
  },
  client: true,
  examples: ['ext-compilers ls', 'ext-compilers ls --meta auth0-extension-name=credentials-exchange --json'],
  async run(parsed) {
    const meta = Object.entries(pairs(parsed.list('meta'), 'meta')).map(([key, value]) => `${key}:${value}`);
    const api = await client(parsed);
    const list = await api.request<WebtaskSummary[]>('GET', api.webtaskPath(), { query: { meta, offset: parsed.integer('offset'), limit: parsed.integer('limit') } });
    const shown = list.map((webtask) => ({ ...webtask, meta: maskMeta(webtask.meta) }));
    if (parsed.flag('json')) out(JSON.stringify(shown, null, 2));
    else if (shown.length === 0) out(`No webtasks in container ${api.connection.container}${meta.length ? ' with that metadata' : ''}.`);
    else for (const line of table([['NAME', 'URL'], ...shown.map((webtask) => [webtask.name, webtask.webtask_url])])) out(line);
    return EXIT.ok;
  },
};

export const inspect: Command = {
  name: 'inspect',
  summary: 'Show a webtask: its URL, dates, metadata and secret names.',
  args: [{ name: 'NAME', description: 'the webtask' }],
  options: {
    decrypt: { type: 'boolean', description: 'also show the secrets (and the secret values in metadata)' },
    'fetch-code': { type: 'boolean', description: 'also show the code' },
    json: { type: 'boolean', description: 'print it as JSON' },
  },
  client: true,
  examples: ['ext-compilers inspect hello', 'ext-compilers inspect hello --decrypt --json'],
  async run(parsed) {
    const api = await client(parsed);
    const found = await mustRead(api, parsed.arg('NAME')!);
    const decrypt = parsed.flag('decrypt');
    const shown: WebtaskDetails = { ...found, meta: decrypt ? found.meta : maskMeta(found.meta) };
    if (!decrypt) delete shown.secrets;
    if (!parsed.flag('fetch-code')) delete shown.code;
    if (parsed.flag('json')) {
      out(JSON.stringify(shown, null, 2));
      return EXIT.ok;
    }
    const rows: [string, string][] = [
      ['Name', shown.name],
      ['Container', shown.container],
      ['URL', shown.webtask_url],
      ...(shown.url ? [['Code URL', shown.url] as [string, string]] : []),
      ['Created', shown.created_at ?? ''],
      ['Updated', shown.updated_at ?? ''],
      ...Object.entries(shown.meta ?? {}).map(([key, value]): [string, string] => [`Meta.${key}`, value]),
      ...(shown.secrets ? Object.entries(shown.secrets).map(([key, value]): [string, string] => [`Secret.${key}`, value]) : [['Secrets', (shown.secret_names ?? []).join(', ') || '(none)'] as [string, string]]),
    ];
    for (const line of table(rows.map(([key, value]) => [`${key}:`, value]))) out(line);
    if (shown.code !== undefined) out(`Code:\n${shown.code}`);
    return EXIT.ok;
  },
};

export const rm: Command = {
  name: 'rm',
  summary: 'Remove a webtask (its code, secrets, metadata and storage).',
  args: [{ name: 'NAME', description: 'the webtask' }],
  client: true,
  examples: ['ext-compilers rm hello'],
  run: clientVerb(async (api, parsed) => {
    const name = parsed.arg('NAME')!;
    const response = await api.open('DELETE', api.webtaskPath(name), { accept: [404] });
    if (response.status === 404) throw noSuchWebtask(api, name);
    return `Removed webtask ${name} from container ${api.connection.container}.`;
  }),
};
