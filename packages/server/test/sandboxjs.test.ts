// sandboxjs@5.0.0, the platform's client library, unmodified, against a real server (openServer over
// a data directory, 127.0.0.1, port 0): the calls that work today. The rest of its surface is
// issue #16's work still (see docs/compatibility.md).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenedServer, openServer } from '@ext-compilers/server';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry, type TestRegistry } from '../../modules/test/helpers/registry.ts';

const Sandbox = createRequire(import.meta.url)('sandboxjs') as { init(options: { url: string; token: string; container: string }): any };

let work: string;
let opened: OpenedServer;
let registry: TestRegistry;
let url: string;

test.before(async () => {
  work = mkdtempSync(join(tmpdir(), 'ext-compilers-sandboxjs-'));
  registry = await startRegistry(await packFixtures(work));
  Object.assign(process.env, npmEnv(join(work, 'npm')), { npm_config_registry: registry.url });
  opened = await openServer({ data: join(work, 'data'), sandbox: 'in-process', logger: { error() {} } });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`;
});
test.after(async () => {
  await opened.close();
  await registry.close();
  delete process.env.npm_config_registry;
  rmSync(work, { recursive: true, force: true });
});

test('updateStorage sends data as JSON text; getStorage reads it back; a stale etag is a 409', async () => {
  const profile = Sandbox.init({ url, token: opened.adminToken, container: 'acme' });
  const put = await fetch(`${url}/api/webtask/acme/kept`, { method: 'PUT', headers: { authorization: `Bearer ${opened.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ code: 'module.exports = (ctx, cb) => ctx.storage.get(cb);' }) });
  assert.is(put.status, 200);
  const written = await profile.updateStorage({ data: { n: 1, list: ['a'] } }, { name: 'kept' });
  assert.type(written.etag, 'string');
  const read = await profile.getStorage({ name: 'kept' });
  assert.equal([read.data, read.etag], [{ n: 1, list: ['a'] }, written.etag]);
  // The webtask reads what the client stored: an object, not a string of JSON.
  assert.equal(await (await fetch(`${url}/api/run/acme/kept`)).json(), { n: 1, list: ['a'] });
  const stale = await profile.updateStorage({ data: { n: 2 }, etag: 'not-the-etag' }, { name: 'kept' }).then(() => undefined, (error: { statusCode?: number }) => error);
  assert.is(stale?.statusCode, 409);
});

test('ensureNodeModules installs; listNodeModuleVersions (no token, as the client sends it) lists the versions', async () => {
  const profile = Sandbox.init({ url, token: opened.adminToken, container: 'acme' });
  assert.equal(await profile.listNodeModuleVersions({ name: 'fx-base' }), []);
  let states: { state: string }[] = [];
  for (let i = 0; i < 100 && (states.length === 0 || !states.every((entry) => entry.state === 'available')); i++) {
    states = await profile.ensureNodeModules({ modules: [{ name: 'fx-base', version: '1.0.0' }, { name: 'fx-base', version: '2.0.0' }] });
    if (states.some((entry) => entry.state === 'failed')) throw new Error(JSON.stringify(states));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const versions = (await profile.listNodeModuleVersions({ name: 'fx-base' })) as { version: string; state: string }[];
  assert.equal(versions.map((entry) => [entry.version, entry.state]).sort(), [['1.0.0', 'available'], ['2.0.0', 'available']]);
  assert.equal(await profile.listNodeModuleVersions({ name: 'no-such-module' }), []);
});

test.run();
