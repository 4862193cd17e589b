import { randomBytes } from 'node:crypto';
import type { Command } from '../internal/command.ts';
import { CliError, EXIT, usageError } from '../internal/errors.ts';
import { nameFromFile, pairs, readUserFile } from '../internal/inputs.ts';
import { out, table } from '../internal/io.ts';
import { client, listAll, mustRead, putWebtask, readWebtask, rewriteWebtask, type WebtaskDetails } from '../internal/webtasks.ts';

// The hook types (auth0-extension-name) and the extensibility point each one compiles with.
const POINTS: Record<string, string> = {
  'credentials-exchange': 'client-credentials-exchange',
  'password-exchange': 'password-exchange',
  'pre-user-registration': 'pre-user-registration',
  'post-user-registration': 'post-user-registration',
  'post-change-password': 'post-change-password',
  'send-phone-message': 'send-phone-message',
};
const TYPES = Object.keys(POINTS);
// The types whose point also has an Actions-style compiler (exports.onExecute… = async (event, api)).
const ACTIONS = new Set(['credentials-exchange', 'pre-user-registration', 'post-user-registration', 'post-change-password', 'send-phone-message']);
const SECRET_KEY = 'auth0-extension-secret';
const DISABLED = 'auth0-extension-disabled';

function checkType(type: string): string {
  if (!(type in POINTS)) throw usageError(`unknown hook type "${type}": use one of ${TYPES.join(', ')}.`);
  return type;
}

const typeOf = (webtask: { meta?: Record<string, string> | undefined }): string | undefined =>
  webtask.meta?.['auth0-extension'] === 'runtime' ? webtask.meta['auth0-extension-name'] : undefined;
const enabled = (webtask: { meta?: Record<string, string> | undefined }): boolean => (webtask.meta?.[DISABLED] ?? '0') === '0';

export const hookCreate: Command = {
  name: 'hook create',
  summary: 'Create a hook (an Auth0 extensibility point webtask), disabled, with a fresh Bearer secret.',
  description: `TYPE is one of ${TYPES.join(', ')}. The webtask gets the hook metadata (auth0-extension=runtime, auth0-extension-name=TYPE, wt-compiler=ext-compilers/<point>) and a random 32-byte auth0-extension-secret, in its metadata (for the caller) and in its secrets (for the compiler's Bearer check). With --actions the hook is written in the Actions style (exports.onExecute<Trigger> = async (event, api) => …) and compiles with wt-compiler=ext-compilers/actions/<point>; callers cannot tell the difference. Over an existing hook of the same type, the code is replaced and the rest is kept: its secret, its other secrets and metadata, and whether it is enabled (as "hook update" does); --replace makes it anew (a new secret, disabled). A webtask that is not a hook, or a hook of another type, is never overwritten.`,
  args: [
    { name: 'TYPE', description: 'the extensibility point' },
    { name: 'FILE', description: 'the hook code' },
  ],
  options: {
    name: { type: 'string', short: 'n', value: 'NAME', description: 'the webtask name (default: the file name without its extension)' },
    secret: { type: 'list', value: 'K=V', description: 'a secret of the hook (ctx.webtask.secrets.K)' },
    actions: { type: 'boolean', description: 'the hook is Actions-style code (not for password-exchange)' },
    replace: { type: 'boolean', description: 'over an existing hook: a new secret, disabled, nothing of the old one kept' },
  },
  client: true,
  examples: ['ext-compilers hook create credentials-exchange exchange.js', 'ext-compilers hook create credentials-exchange actions.js --actions', 'ext-compilers hook enable exchange'],
  async run(parsed) {
    const type = checkType(parsed.arg('TYPE')!);
    const actions = checkActions(type, parsed.flag('actions'));
    const file = parsed.arg('FILE')!;
    const code = await readUserFile(file);
    const name = parsed.string('name') ?? nameFromFile(file);
    const api = await client(parsed);
    const found = await readWebtask(api, name);
    if (found && typeOf(found) === undefined) throw new CliError(`webtask ${name} exists and is not a hook: choose another --name, or "ext-compilers rm ${name}" first.`, EXIT.badRequest);
    if (found && typeOf(found) !== type) throw new CliError(`webtask ${name} is a ${typeOf(found)} hook, not ${type}: choose another --name, or "ext-compilers rm ${name}" first.`, EXIT.badRequest);
    const existing = parsed.flag('replace') ? undefined : found;
    // A hook's callers cache its metadata: keeping the secret of a re-created hook avoids a window of refused calls.
    const bearer = existing?.meta?.[SECRET_KEY] ?? randomBytes(32).toString('hex');
    const meta = { ...existing?.meta, 'auth0-extension': 'runtime', 'auth0-extension-name': type, 'wt-compiler': compilerOf(type, actions), [SECRET_KEY]: bearer, [DISABLED]: existing?.meta?.[DISABLED] ?? '1' };
    const secrets = { ...existing?.secrets, ...pairs(parsed.list('secret'), 'secret'), [SECRET_KEY]: bearer };
    const saved = await putWebtask(api, name, { code, secrets, meta });
    if (existing) {
      out(`Replaced the code of ${type} hook ${saved.name} (${enabled({ meta }) ? 'enabled' : 'disabled'}, its secret kept): ${saved.webtask_url}`);
      return EXIT.ok;
    }
    out(`Created ${type} hook ${saved.name} (disabled): ${saved.webtask_url}`);
    out(`Enable it with: ext-compilers hook enable ${saved.name}`);
    return EXIT.ok;
  },
};

export const hookUpdate: Command = {
  name: 'hook update',
  summary: 'Change a hook: new code or secrets; its Bearer secret, metadata and state are kept.',
  args: [
    { name: 'NAME', description: 'the hook' },
    { name: 'FILE', optional: true, description: 'new code (default: keep the code)' },
  ],
  options: {
    secret: { type: 'list', value: 'K=V', description: 'set a secret of the hook' },
    'unset-secret': { type: 'list', value: 'K', description: 'remove a secret (never the hook\'s auth0-extension-secret)' },
    actions: { type: 'boolean', description: 'the new code is Actions-style (wt-compiler=ext-compilers/actions/<point>)' },
  },
  client: true,
  examples: ['ext-compilers hook update exchange exchange.js', 'ext-compilers hook update exchange --secret API_KEY=new'],
  async run(parsed) {
    const api = await client(parsed);
    const hook = await mustReadHook(api, parsed.arg('NAME')!);
    const file = parsed.arg('FILE');
    const unset = parsed.list('unset-secret');
    if (unset.includes(SECRET_KEY)) throw usageError(`${SECRET_KEY} is the hook's Bearer secret: "hook create --replace" makes a new one.`);
    const secrets = { ...hook.secrets, ...pairs(parsed.list('secret'), 'secret') };
    for (const key of unset) delete secrets[key];
    const meta = parsed.flag('actions') ? { ...hook.meta, 'wt-compiler': compilerOf(hook.type, checkActions(hook.type, true)) } : hook.meta;
    const saved = await rewriteWebtask(api, hook, { ...(file === undefined ? {} : { code: await readUserFile(file) }), secrets, meta });
    out(`Updated ${hook.type} hook ${saved.name} (${enabled(hook) ? 'enabled' : 'disabled'}): ${saved.webtask_url}`);
    return EXIT.ok;
  },
};

function checkActions(type: string, actions: boolean): boolean {
  if (actions && !ACTIONS.has(type)) throw usageError(`${type} has no Actions-style compiler: use one of ${[...ACTIONS].join(', ')}, or leave out --actions.`);
  return actions;
}

const compilerOf = (type: string, actions: boolean): string => `ext-compilers/${actions ? 'actions/' : ''}${POINTS[type]}`;

async function mustReadHook(api: Awaited<ReturnType<typeof client>>, name: string): Promise<WebtaskDetails & { type: string }> {
  const found = await mustRead(api, name);
  const type = typeOf(found);
  if (type === undefined) throw new CliError(`webtask ${name} is not a hook: "ext-compilers hook ls" lists the hooks.`, EXIT.badRequest);
  return { ...found, type };
}

async function setDisabled(api: Awaited<ReturnType<typeof client>>, hook: WebtaskDetails, disabled: boolean): Promise<void> {
  await rewriteWebtask(api, hook, { meta: { ...hook.meta, [DISABLED]: disabled ? '1' : '0' } });
}

/** `hook enable` and `hook disable`: one declaration, since they differ only in the direction. */
function toggle(enable: boolean): Command {
  const verb = enable ? 'enable' : 'disable';
  return {
    name: `hook ${verb}`,
    summary: enable ? 'Enable a hook, and disable every other hook of its type (one enabled hook per type).' : 'Disable a hook.',
    args: [{ name: 'NAME', description: 'the hook' }],
    client: true,
    examples: [`ext-compilers hook ${verb} exchange`],
    async run(parsed) {
      const api = await client(parsed);
      const hook = await mustReadHook(api, parsed.arg('NAME')!);
      if (enable) {
        const sameType = await listAll(api, ['auth0-extension:runtime', `auth0-extension-name:${hook.type}`]);
        // Others first: at no moment are two hooks of the type enabled.
        for (const other of sameType.filter((webtask) => webtask.name !== hook.name && enabled(webtask))) {
          await setDisabled(api, await mustRead(api, other.name), true);
          out(`Disabled ${hook.type} hook ${other.name}.`);
        }
      }
      await setDisabled(api, hook, !enable);
      out(`${enable ? 'Enabled' : 'Disabled'} ${hook.type} hook ${hook.name}.`);
      return EXIT.ok;
    },
  };
}

export const hookEnable: Command = toggle(true);
export const hookDisable: Command = toggle(false);

export const hookLs: Command = {
  name: 'hook ls',
  summary: 'List the hooks of the container: name, type, enabled or disabled.',
  options: {
    type: { type: 'string', value: 'TYPE', description: 'only hooks of this type' },
    json: { type: 'boolean', description: 'print the list as JSON ({ name, type, enabled, webtask_url })' },
  },
  client: true,
  examples: ['ext-compilers hook ls --type credentials-exchange'],
  async run(parsed) {
    const type = parsed.string('type');
    if (type !== undefined) checkType(type);
    const api = await client(parsed);
    const hooks = (await listAll(api, ['auth0-extension:runtime', ...(type ? [`auth0-extension-name:${type}`] : [])]))
      .map((webtask) => ({ name: webtask.name, type: typeOf(webtask) ?? '', enabled: enabled(webtask), webtask_url: webtask.webtask_url }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
    if (parsed.flag('json')) out(JSON.stringify(hooks, null, 2));
    else if (hooks.length === 0) out(`No hooks in container ${api.connection.container}.`);
    else for (const line of table([['NAME', 'TYPE', 'STATE'], ...hooks.map((hook) => [hook.name, hook.type, hook.enabled ? 'enabled' : 'disabled'])])) out(line);
    return EXIT.ok;
  },
};
