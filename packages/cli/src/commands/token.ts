import type { Command } from '../internal/command.ts';
import { EXIT, usageError } from '../internal/errors.ts';
import { pairs } from '../internal/inputs.ts';
import { note, out, table } from '../internal/io.ts';
import { client, clientVerb } from '../internal/webtasks.ts';

const INTEGER_CLAIMS = ['dd', 'pb', 'mb', 'dr', 'nbf'] as const;

export const tokenCreate: Command = {
  name: 'token create',
  summary: 'Issue a webtask token (printed alone on stdout), narrower than the token you use.',
  description: 'Claims come from --claims, then the flags. Without ten, the token admits the profile\'s container.',
  options: {
    ten: { type: 'string', value: 'CONTAINERS', description: 'containers: a name, names separated by commas, or /regex/' },
    jtn: { type: 'string', value: 'NAME', description: 'the webtask name (a token to run one webtask)' },
    dd: { type: 'integer', value: 'N', description: 'how many further levels of tokens it may issue', default: '0' },
    exp: { type: 'integer', value: 'SECONDS', description: 'expires this many seconds from now' },
    'exp-at': { type: 'integer', value: 'UNIX', description: 'expires at this Unix time' },
    nbf: { type: 'integer', value: 'UNIX', description: 'not valid before this Unix time' },
    pctx: { type: 'list', value: 'K=V', description: 'a param (signed, readable by the bearer)' },
    ectx: { type: 'list', value: 'K=V', description: 'a secret (encrypted into the token)' },
    'code-url': { type: 'string', value: 'URL', description: 'the only code the token runs (the url claim)' },
    pb: { type: 'integer', value: '0|1|2', description: 'parse the body: never, always, by arity' },
    mb: { type: 'integer', value: '0|1', description: 'merge the body into ctx.data' },
    dr: { type: 'integer', value: '0|1', description: '1: the token may not revoke itself' },
    claims: { type: 'string', value: 'JSON', description: 'claims as a JSON object (the limits ls, lm, … too); the flags win' },
  },
  client: true,
  examples: ['ext-compilers token create --exp 3600', 'ext-compilers token create --jtn hello --ectx API_KEY=abc --dr 1'],
  async run(parsed) {
    if (parsed.string('exp') !== undefined && parsed.string('exp-at') !== undefined) throw usageError('give --exp or --exp-at, not both.');
    const claims: Record<string, unknown> = parseClaims(parsed.string('claims'));
    for (const name of ['ten', 'jtn'] as const) if (parsed.string(name) !== undefined) claims[name] = parsed.string(name);
    if (parsed.string('code-url') !== undefined) claims.url = parsed.string('code-url');
    for (const name of INTEGER_CLAIMS) if (parsed.integer(name) !== undefined) claims[name] = parsed.integer(name);
    const exp = parsed.integer('exp');
    if (exp !== undefined) claims.exp = Math.floor(Date.now() / 1000) + exp;
    if (parsed.integer('exp-at') !== undefined) claims.exp = parsed.integer('exp-at');
    const pctx = pairs(parsed.list('pctx'), 'pctx');
    const ectx = pairs(parsed.list('ectx'), 'ectx');
    if (Object.keys(pctx).length) claims.pctx = { ...(claims.pctx as object), ...pctx };
    if (Object.keys(ectx).length) claims.ectx = { ...(claims.ectx as object), ...ectx };
    const api = await client(parsed);
    claims.ten ??= api.connection.container;
    const token = await api.request<string>('POST', '/api/tokens/issue', { json: claims });
    out(token.trim());
    return EXIT.ok;
  },
};

function parseClaims(json: string | undefined): Record<string, unknown> {
  if (json === undefined) return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  throw usageError(`--claims must be a JSON object, like '{"ten":"demo","ls":10}'.`);
}

export const tokenInspect: Command = {
  name: 'token inspect',
  summary: 'Show the claims of a token.',
  args: [{ name: 'TOKEN', description: 'the token' }],
  options: {
    decrypt: { type: 'boolean', description: 'also show the secrets of its ectx' },
    json: { type: 'boolean', description: 'print the claims as JSON' },
  },
  client: true,
  examples: ['ext-compilers token inspect eyJ… --decrypt'],
  async run(parsed) {
    const api = await client(parsed);
    const claims = await api.request<Record<string, unknown>>('GET', '/api/tokens/inspect', { query: { token: parsed.arg('TOKEN'), decrypt: parsed.flag('decrypt') || undefined } });
    if (claims.revoked === true) note('ext-compilers: this token is revoked (it, or a token it was issued under): the server refuses it.');
    if (parsed.flag('json')) out(JSON.stringify(claims, null, 2));
    else {
      const rows = Object.entries(claims).flatMap(([key, value]): string[][] => {
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) return Object.entries(value).map(([inner, v]) => [`Token.${key}.${inner}:`, String(v)]);
        return [[`Token.${key}:`, Array.isArray(value) ? value.join(', ') || '(none)' : String(value)]];
      });
      for (const line of table(rows)) out(line);
    }
    return EXIT.ok;
  },
};

export const tokenRevoke: Command = {
  name: 'token revoke',
  summary: 'Revoke a token (and with it every token it issued).',
  args: [{ name: 'TOKEN', description: 'the token' }],
  client: true,
  examples: ['ext-compilers token revoke eyJ…'],
  run: clientVerb(async (api, parsed) => {
    const { jti } = await api.request<{ jti: string }>('POST', '/api/tokens/revoke', { json: { token: parsed.arg('TOKEN') } });
    return `Revoked token ${jti}.`;
  }),
};
