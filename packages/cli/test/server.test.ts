// The client verbs against a real server: `ext-compilers start --port 0` in a child process, over a
// temporary data directory, bound to 127.0.0.1; profiles in a temporary EXT_COMPILERS_HOME.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jailSupport } from '@ext-compilers/runtime';
import { assertBuilt, deadUrl, envWith, launch, type Running, run, setUp, tempDir, within } from './helpers.ts';

const test = suite('cli: against a server');

const HELLO = "module.exports = (ctx, cb) => cb(null, { who: ctx.secrets.WHO, color: ctx.meta.color, v: 1 });\n";
const HOOK = `module.exports = function (client, scope, audience, context, cb) {
  console.log('exchanging for', client.id);
  cb(null, { scope: scope.concat(['extra']) });
};
`;

let dir: string;
let env: NodeJS.ProcessEnv;
let server: Running;
let url: string;
let adminToken: string;

const cli = (...args: string[]) => run(args, { env, timeout: 30_000 });
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const json = <T = any>(text: string): T => JSON.parse(text) as T;

async function post(target: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

const setup = setUp(async () => {
  assertBuilt();
  dir = tempDir('server');
  // The server's npm asks a registry on 127.0.0.1 where nothing listens: no test reaches the network.
  env = { ...envWith(join(dir, 'home')), npm_config_registry: await deadUrl(), npm_config_fetch_retries: '0', npm_config_cache: join(dir, 'npm-cache') };
  server = launch(['start', '--port', '0', '--data', join(dir, 'data'), '--workers', '2', '--timeout', '10000'], { env });
  url = (await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 20_000))[1]!;
  await server.waitFor(/Press Ctrl-C to stop\./);
  adminToken = readFileSync(join(dir, 'data', 'admin-token'), 'utf8').trim();
});
test.before(setup.before);

test.after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('start, first run: the URL, the token, where it is kept, and the init and curl lines', () => {
  setup.ready();
  const out = server.stdout();
  assert.match(adminToken, /^ecadm_[\w-]{43}$/);
  assert.is(statSync(join(dir, 'data', 'admin-token')).mode & 0o777, 0o600);
  assert.match(out, `\n  ${adminToken}\n`);
  assert.match(out, `kept in ${join(dir, 'data', 'admin-token')}, mode 0600`);
  assert.match(out, `  ext-compilers init --url ${url} --token ${adminToken} --container demo\n`);
  assert.match(out, `  curl -X PUT ${url}/api/webtask/demo/hello -H "Authorization: Bearer ${adminToken}"`);
  // Where this machine cannot run the jail, start says so first (start.test.ts pins those lines).
  if (jailSupport().ok) assert.is(server.stderr(), '');
});

test('init: a bad token is refused (401, exit 8); a good one writes the profile (0600)', () => {
  setup.ready();
  return within(30_000, (async () => {
    const bad = await cli('init', '--url', url, '--token', 'not-a-token', '--container', 'demo');
    assert.is(bad.code, 8);
    assert.is(bad.stderr, 'ext-compilers: the server refused the token (401 The token is not a compact JWS): run "ext-compilers init" with a valid token, or pass --token.\n');
    const good = await cli('init', '--url', url, '--token', adminToken, '--container', 'demo');
    assert.is(good.code, 0, good.stderr);
    const profiles = join(dir, 'home', 'profiles.json');
    assert.equal(json(readFileSync(profiles, 'utf8')), { default: { url, token: adminToken, container: 'demo' } });
    assert.is(statSync(profiles).mode & 0o777, 0o600);
    const override = await cli('ls', '--token', 'not-a-token');
    assert.is(override.code, 8);
    assert.match(override.stderr, /^ext-compilers: the server refused the token \(401 /);
  })());
});

test('create, ls, inspect (--decrypt), update keeping secrets and meta, rm', () => {
  setup.ready();
  return within(60_000, (async () => {
    const secrets = file('hello.env', '# dotenv\nWHO="ada"\nOTHER=two\n');
    const created = await cli('create', file('hello.js', HELLO), '--secrets-file', secrets, '--meta', 'color=blue');
    assert.is(created.code, 0, created.stderr);
    assert.match(created.stdout, `Created webtask hello in container demo. Run it with:\n  curl -X POST ${url}/api/run/demo/hello\n`);
    assert.equal((await post(`${url}/api/run/demo/hello`, {})).body, { who: 'ada', color: 'blue', v: 1 });

    const ls = await cli('ls');
    assert.is(ls.stdout, `NAME   URL\nhello  ${url}/api/run/demo/hello\n`);
    assert.equal(json((await cli('ls', '--meta', 'color=blue', '--json')).stdout), [{ container: 'demo', name: 'hello', meta: { color: 'blue' }, webtask_url: `${url}/api/run/demo/hello` }]);
    assert.equal(json((await cli('ls', '--meta', 'color=red', '--json')).stdout), []);

    const inspect = await cli('inspect', 'hello');
    assert.match(inspect.stdout, /^Meta\.color: +blue$/m);
    assert.match(inspect.stdout, /^Secrets: +OTHER, WHO$|^Secrets: +WHO, OTHER$/m);
    assert.not.match(inspect.stdout, 'ada');
    const decrypted = json((await cli('inspect', 'hello', '--decrypt', '--fetch-code', '--json')).stdout);
    assert.equal(decrypted.secrets, { WHO: 'ada', OTHER: 'two' });
    assert.is(decrypted.code, HELLO);

    const updated = await cli('update', 'hello', file('hello2.js', HELLO.replace('v: 1', 'v: 2')), '--meta', 'size=xl', '--unset-secret', 'OTHER');
    assert.is(updated.code, 0, updated.stderr);
    const after = json((await cli('inspect', 'hello', '--decrypt', '--json')).stdout);
    assert.equal(after.meta, { color: 'blue', size: 'xl' });
    assert.equal(after.secrets, { WHO: 'ada' });
    assert.equal((await post(`${url}/api/run/demo/hello`, {})).body, { who: 'ada', color: 'blue', v: 2 });
    const metaOnly = await cli('update', 'hello', '--secret', 'WHO=grace');
    assert.is(metaOnly.code, 0, metaOnly.stderr);
    assert.equal((await post(`${url}/api/run/demo/hello`, {})).body, { who: 'grace', color: 'blue', v: 2 });

    // create over an existing webtask: new code, its secrets and meta kept; --replace drops them.
    const again = await cli('create', file('hello.js', HELLO.replace('v: 1', 'v: 3')), '--meta', 'size=s');
    assert.is(again.code, 0, again.stderr);
    assert.match(again.stdout, 'Replaced the code of webtask hello in container demo, keeping its secrets WHO (--replace drops them). Run it with:');
    assert.equal((await post(`${url}/api/run/demo/hello`, {})).body, { who: 'grace', color: 'blue', v: 3 });
    assert.equal(json((await cli('inspect', 'hello', '--json')).stdout).meta, { color: 'blue', size: 's' });
    const replaced = await cli('create', file('hello.js', HELLO), '--replace');
    assert.is(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, 'Created webtask hello in container demo.');
    assert.equal((await post(`${url}/api/run/demo/hello`, {})).body, { v: 1 });

    const rm = await cli('rm', 'hello');
    assert.is(rm.stdout, 'Removed webtask hello from container demo.\n');
    for (const argv of [['rm', 'hello'], ['inspect', 'hello'], ['update', 'hello', '--meta', 'a=b']]) {
      const gone = await cli(...argv);
      assert.is(gone.code, 5, argv.join(' '));
      assert.is(gone.stderr, 'ext-compilers: no webtask hello in container demo: "ext-compilers ls" lists them.\n');
    }
  })());
});

test("status: the profile's server and container; the server's access log: one line a request, never its query", () => {
  setup.ready();
  return within(30_000, (async () => {
    assert.is((await cli('create', file('counted.js', HELLO))).code, 0);
    const shown = await cli('status');
    assert.is(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`^Server: +${url.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.match(shown.stdout, /^Version: +ext-compilers \d+\.\d+\.\d+\S* on Node v\d+/m);
    assert.match(shown.stdout, /^Container: +demo: \d+ webtasks?, \d+ bytes of storage$/m);
    const status = json((await cli('status', '--json')).stdout);
    assert.equal([status.url, status.node, status.container.name], [url, process.version, 'demo']);
    assert.ok(status.container.webtasks >= 1 && ['jail', 'process'].includes(status.sandbox), JSON.stringify(status));

    await post(`${url}/api/run/demo/counted?key=a-secret-token&x=1`, {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = server.stdout().split('\n').filter((line) => / \/api\/run\/demo\/counted /.test(line));
    assert.is(lines.length, 1, server.stdout());
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z POST \/api\/run\/demo\/counted 200 \d+\.\dms demo$/);
    assert.not.match(server.stdout(), 'a-secret-token');
    assert.match(server.stdout(), /Z GET \/api\/status 200 \d+\.\dms -$/m);
  })());
});

test('hooks: create (disabled), enable disables the other of its type, ls, invoke with the Bearer from meta', () => {
  setup.ready();
  return within(60_000, (async () => {
    const hook = file('exchange.js', HOOK);
    for (const name of ['first', 'second']) {
      const created = await cli('hook', 'create', 'credentials-exchange', hook, '--name', name);
      assert.is(created.code, 0, created.stderr);
      assert.match(created.stdout, `Created credentials-exchange hook ${name} (disabled): ${url}/api/run/demo/${name}`);
    }
    const meta = json((await cli('inspect', 'first', '--decrypt', '--json')).stdout);
    assert.match(meta.meta['auth0-extension-secret'], /^[0-9a-f]{64}$/);
    assert.is(meta.secrets['auth0-extension-secret'], meta.meta['auth0-extension-secret']);
    assert.equal({ ...meta.meta, 'auth0-extension-secret': 'x' }, { 'auth0-extension': 'runtime', 'auth0-extension-name': 'credentials-exchange', 'wt-compiler': 'ext-compilers/client-credentials-exchange', 'auth0-extension-secret': 'x', 'auth0-extension-disabled': '1' });
    assert.match((await cli('inspect', 'first')).stdout, /^Meta\.auth0-extension-secret: +\(hidden: --decrypt shows it\)$/m);

    // Re-creating keeps the secret; another type, or a plain webtask, is never overwritten.
    assert.is((await cli('hook', 'create', 'credentials-exchange', hook, '--name', 'first')).code, 0);
    assert.is(json((await cli('inspect', 'first', '--decrypt', '--json')).stdout).meta['auth0-extension-secret'], meta.meta['auth0-extension-secret']);
    const otherType = await cli('hook', 'create', 'pre-user-registration', hook, '--name', 'first');
    assert.is(otherType.code, 6);
    assert.is(otherType.stderr, 'ext-compilers: webtask first is a credentials-exchange hook, not pre-user-registration: choose another --name, or "ext-compilers rm first" first.\n');
    assert.is((await cli('create', file('plain.js', HELLO))).code, 0);
    const plain = await cli('hook', 'create', 'credentials-exchange', hook, '--name', 'plain');
    assert.is(plain.code, 6);
    assert.match(plain.stderr, 'webtask plain exists and is not a hook');

    assert.is((await cli('hook', 'enable', 'first')).code, 0);
    const enable = await cli('hook', 'enable', 'second');
    assert.is(enable.stdout, 'Disabled credentials-exchange hook first.\nEnabled credentials-exchange hook second.\n');
    const ls = await cli('hook', 'ls');
    assert.is(ls.stdout, 'NAME    TYPE                  STATE\nfirst   credentials-exchange  disabled\nsecond  credentials-exchange  enabled\n');
    assert.equal(json((await cli('hook', 'ls', '--type', 'pre-user-registration', '--json')).stdout), []);
    // The code and secrets survived the toggles.
    const second = json((await cli('inspect', 'second', '--decrypt', '--fetch-code', '--json')).stdout);
    assert.is(second.code, HOOK);
    assert.is(second.meta['auth0-extension-disabled'], '0');

    const body = { client: { id: 'client-1', name: 'billing' }, scope: ['read'], audience: 'https://api.example.com', context: {} };
    const answer = await post(second.webtask_url, body, { authorization: `Bearer ${second.meta['auth0-extension-secret']}` });
    assert.is(answer.status, 200);
    assert.is(answer.body.status, 'success');
    assert.equal(answer.body.data, { scope: ['read', 'extra'] });
    const refused = await post(second.webtask_url, body, { authorization: 'Bearer wrong' });
    assert.is(refused.body.status, 'error');

    // Re-creating or updating the live hook keeps it live, with its secret; --replace starts it anew.
    const recreated = await cli('hook', 'create', 'credentials-exchange', file('exchange2.js', HOOK.replace("'extra'", "'extra2'")), '--name', 'second');
    assert.is(recreated.code, 0, recreated.stderr);
    assert.match(recreated.stdout, `Replaced the code of credentials-exchange hook second (enabled, its secret kept): ${url}/api/run/demo/second`);
    const live = (await post(second.webtask_url, body, { authorization: `Bearer ${second.meta['auth0-extension-secret']}` })).body;
    assert.equal([live.status, live.data], ['success', { scope: ['read', 'extra2'] }]);
    const updatedHook = await cli('hook', 'update', 'second', hook, '--secret', 'API=k');
    assert.is(updatedHook.code, 0, updatedHook.stderr);
    assert.is(updatedHook.stdout, `Updated credentials-exchange hook second (enabled): ${url}/api/run/demo/second\n`);
    const afterUpdate = json((await cli('inspect', 'second', '--decrypt', '--fetch-code', '--json')).stdout);
    assert.equal([afterUpdate.code, afterUpdate.secrets.API, afterUpdate.meta['auth0-extension-disabled'], afterUpdate.meta['auth0-extension-secret']], [HOOK, 'k', '0', second.meta['auth0-extension-secret']]);
    const keepBearer = await cli('hook', 'update', 'second', '--unset-secret', 'auth0-extension-secret');
    assert.is(keepBearer.code, 2);
    assert.is((await cli('hook', 'update', 'plain', hook)).code, 6);
    const fresh = await cli('hook', 'create', 'credentials-exchange', hook, '--name', 'first', '--replace');
    assert.match(fresh.stdout, 'Created credentials-exchange hook first (disabled)');
    assert.is.not(json((await cli('inspect', 'first', '--decrypt', '--json')).stdout).meta['auth0-extension-secret'], meta.meta['auth0-extension-secret']);

    assert.is((await cli('hook', 'disable', 'second')).code, 0);
    assert.match((await cli('hook', 'ls')).stdout, /^second +credentials-exchange +disabled$/m);
    const notHook = await cli('hook', 'enable', 'plain');
    assert.is(notHook.code, 6);
    assert.match(notHook.stderr, 'webtask plain is not a hook');
  })());
});

test('hook create --actions: an Actions-style hook, answering the same envelope', () => {
  setup.ready();
  return within(30_000, (async () => {
    const code = "exports.onExecuteCredentialsExchange = async (event, api) => { api.accessToken.setCustomClaim('https://example.com/by', 'actions'); };";
    const created = await cli('hook', 'create', 'credentials-exchange', file('actions.js', code), '--name', 'modern', '--actions');
    assert.is(created.code, 0, created.stderr);
    const hook = json((await cli('inspect', 'modern', '--decrypt', '--json')).stdout);
    assert.is(hook.meta['wt-compiler'], 'ext-compilers/actions/client-credentials-exchange');
    const body = { client: { id: 'client-1', name: 'billing' }, scope: ['read'], audience: 'https://api.example.com', context: {} };
    const answer = await post(hook.webtask_url, body, { authorization: `Bearer ${hook.meta['auth0-extension-secret']}` });
    assert.equal([answer.body.status, answer.body.data], ['success', { scope: ['read'], 'https://example.com/by': 'actions' }]);
    const refused = await cli('hook', 'create', 'password-exchange', file('actions.js', code), '--name', 'nope', '--actions');
    assert.is(refused.code, 2);
    assert.match(refused.stderr, 'password-exchange has no Actions-style compiler');
  })());
});

test('logs: a console line of a hook, while it runs', () => {
  setup.ready();
  return within(30_000, (async () => {
    const logs = launch(['logs'], { env });
    try {
      await logs.waitFor(/Streaming the logs of container demo/, 10_000);
      const second = json((await cli('inspect', 'second', '--decrypt', '--json')).stdout);
      const body = { client: { id: 'client-logs', name: 'billing' }, scope: [], audience: 'a', context: {} };
      assert.is((await post(second.webtask_url, body, { authorization: `Bearer ${second.meta['auth0-extension-secret']}` })).body.status, 'success');
      await logs.waitFor(/^\S+Z info +second: exchanging for client-logs$/m, 10_000);
    } finally {
      assert.is(await logs.stop(), 0);
    }
    const raw = launch(['logs', '--raw'], { env });
    try {
      await raw.waitFor(/Streaming the logs/, 10_000);
      await post(`${url}/api/run/demo/first`, { client: { id: 'raw-client', name: 'n' }, scope: [], audience: 'a', context: {} }, { authorization: 'Bearer wrong' });
      const hook = json((await cli('inspect', 'first', '--decrypt', '--json')).stdout);
      await post(hook.webtask_url, { client: { id: 'raw-client', name: 'n' }, scope: [], audience: 'a', context: {} }, { authorization: `Bearer ${hook.meta['auth0-extension-secret']}` });
      const line = (await raw.waitFor(/^\{.*raw-client.*\}$/m, 10_000))[0];
      assert.equal({ ...json(line), time: 't', req_id: 'r' }, { time: 't', level: 'info', container: 'demo', name: 'first', req_id: 'r', msg: 'exchanging for raw-client' });
    } finally {
      await raw.stop();
    }
  })());
});

test('ls | head -1, modules ls | head -1, logs | head -1: a closed stdout ends them quietly (exit 0)', () => {
  setup.ready();
  return within(30_000, (async () => {
    for (const argv of [['ls'], ['modules', 'ls'], ['hook', 'ls']]) {
      const { code, stderr } = await run(argv, { env, closedStdout: true });
      assert.equal([code, stderr], [0, ''], argv.join(' '));
    }
    assert.is((await cli('create', file('talker.js', "module.exports = (cb) => { console.log('said'); cb(null, 1); };"))).code, 0);
    const logs = launch(['logs'], { env, closedStdout: true });
    await logs.waitFor(/Streaming the logs/, 10_000);
    assert.is((await post(`${url}/api/run/demo/talker`, {})).status, 200);
    assert.equal([await logs.exit(), logs.stderr()], [0, 'Streaming the logs of container demo (Ctrl-C to stop).\n']);
  })());
});

test('token create, inspect (--decrypt), revoke; a revoked token is refused (exit 8)', () => {
  setup.ready();
  return within(30_000, (async () => {
    const created = await cli('token', 'create', '--exp', '3600', '--pctx', 'plan=gold', '--ectx', 'KEY=s3cret');
    assert.is(created.code, 0, created.stderr);
    const token = created.stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = json((await cli('token', 'inspect', token, '--json')).stdout);
    assert.is(claims.ten, 'demo');
    assert.equal(claims.pctx, { plan: 'gold' });
    assert.ok(Math.abs(claims.exp - (Date.now() / 1000 + 3600)) < 60);
    assert.equal([claims.secrets, claims.revoked], [undefined, undefined]);
    assert.equal(json((await cli('token', 'inspect', token, '--decrypt', '--json')).stdout).secrets, { KEY: 's3cret' });
    assert.match((await cli('token', 'inspect', token)).stdout, /^Token\.pctx\.plan: +gold$/m);
    assert.is((await cli('ls', '--token', token)).code, 0);
    const revoked = await cli('token', 'revoke', token);
    assert.is(revoked.stdout, `Revoked token ${claims.jti}.\n`);
    const inspected = await cli('token', 'inspect', token);
    assert.is(inspected.code, 0);
    assert.is(inspected.stderr, 'ext-compilers: this token is revoked (it, or a token it was issued under): the server refuses it.\n');
    assert.match(inspected.stdout, /^Token\.revoked: +true$/m);
    const refused = await cli('ls', '--token', token);
    assert.is(refused.code, 8);
    assert.match(refused.stderr, /^ext-compilers: the server refused the token \(401 .*revoked.*\): run "ext-compilers init" with a valid token, or pass --token\.\n$/);
    const bad = await cli('token', 'create', '--claims', '{nope');
    assert.is(bad.code, 2);
  })());
});

test('modules ls; modules add: a spec without a version (exit 2), a registry that cannot be reached (failed, exit 1)', () => {
  setup.ready();
  return within(90_000, (async () => {
    const ls = await cli('modules', 'ls', '--json');
    assert.is(ls.code, 0, ls.stderr);
    const listing = json(ls.stdout);
    assert.is(listing.node_version, process.version);
    // Node's built-ins only with --all: without it, the installed versions (none yet).
    assert.ok(!listing.modules.some((module: { name: string }) => module.name === 'crypto'));
    const all = json((await cli('modules', 'ls', '--all', '--json')).stdout);
    assert.ok(all.modules.some((module: { name: string; version: string }) => module.name === 'crypto' && module.version === 'native'));
    assert.match((await cli('modules', 'ls')).stdout, new RegExp(`^Node v\\d+\\.\\d+\\.\\d+; 0 module versions installed \\(and ${all.modules.length} built-ins: --all lists them\\)\\.$`, 'm'));
    const noVersion = await cli('modules', 'add', 'ms');
    assert.is(noVersion.code, 2);
    assert.is(noVersion.stderr, 'ext-compilers: "ms" is not NAME@VERSION: say which version, like ms@2.1.3.\n');
    // npm cannot reach the registry: the install fails, fast (modules.test.ts installs from one).
    const missing = await run(['modules', 'add', 'ext-compilers-no-such-package-4b1d@1.0.0', '--timeout', '75'], { env, timeout: 85_000 });
    assert.is(missing.code, 1, missing.stderr);
    assert.match(missing.stdout, /^ext-compilers-no-such-package-4b1d@1\.0\.0: queued\n/);
    assert.match(missing.stdout, /^ext-compilers-no-such-package-4b1d@1\.0\.0: failed \(Cannot install ext-compilers-no-such-package-4b1d@1\.0\.0: the registry cannot be reached\)\n$/m);
    assert.is(missing.stderr, 'ext-compilers: 1 module failed to install: check the names and versions ("npm view NAME versions").\n');
  })());
});

test('stop on SIGINT (exit 0); a later start prints the token file, not the token', () => {
  setup.ready();
  return within(40_000, (async () => {
    assert.is(await server.stop(), 0);
    server = launch(['start', '--port', '0', '--data', join(dir, 'data'), '--workers', '2'], { env });
    await server.waitFor(/Press Ctrl-C to stop\./, 20_000);
    const out = server.stdout();
    assert.match(out, /^ext-compilers server listening on http:\/\/127\.0\.0\.1:\d+ \(sandbox: [a-z-]+\)\n/);
    assert.match(out, `Admin token: in ${join(dir, 'data', 'admin-token')}\n`);
    assert.not.match(out, adminToken);
    const code = await server.stop();
    assert.is(code, 0, `stop: ${code} ${server.child.signalCode}\nstdout: ${server.stdout()}\nstderr: ${server.stderr()}`);
  })());
});

test.run();
