// 'use npm' through the server: the versions are installed (real npm, from a registry this test
// serves on 127.0.0.1 with the modules package's fixture packages) when the webtask is created,
// into the server's module store, and the webtask runs in its default sandbox (the jail where
// this machine can run it) with them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore } from '@ext-compilers/modules';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry, type TestRegistry } from '../../modules/test/helpers/registry.ts';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const work = mkdtempSync(join(tmpdir(), 'ext-compilers-server-npm-'));
let registry: TestRegistry;
let server: Server;
let base: string;

test.before(async () => {
  registry = await startRegistry(await packFixtures(work));
  const modules = createModuleStore({ root: join(work, 'modules'), registry: registry.url, env: npmEnv(work) });
  server = createWebtaskServer({ store: createMemoryStore(), tokens: createTokenService(generateKeys()), adminToken: ADMIN, workers: 2, modules, logger: { error() {} } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

const admin = { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' };

test("'use npm': installed at creation, listed, and required by version where the webtask runs", async () => {
  const code = "'use npm';\nconst base = require('fx-base@2.0.0');\nmodule.exports = (cb) => cb(null, { version: base.version });\n";
  const created = await fetch(`${base}/api/webtask/npm/base`, { method: 'PUT', headers: admin, body: JSON.stringify({ code }), signal: AbortSignal.timeout(60_000) });
  assert.is(created.status, 200, await created.clone().text());
  const listing = (await (await fetch(`${base}/api/env/node/modules`, { headers: admin })).json()) as { modules: { name: string; version: string }[] };
  assert.ok(listing.modules.some((entry) => entry.name === 'fx-base' && entry.version === '2.0.0'), 'fx-base@2.0.0 is in the listing');
  const ran = await fetch(`${base}/api/run/npm/base`, { signal: AbortSignal.timeout(20_000) });
  assert.equal(await ran.json(), { version: '2.0.0' });
});

test('a version that does not exist: the create is refused with the reason', async () => {
  const code = "'use npm';\nrequire('fx-base@999.0.0');\nmodule.exports = (cb) => cb();\n";
  const created = await fetch(`${base}/api/webtask/npm/bad`, { method: 'PUT', headers: admin, body: JSON.stringify({ code }), signal: AbortSignal.timeout(60_000) });
  assert.is(created.status, 400);
  assert.match(((await created.json()) as { message: string }).message, /^The webtask's modules cannot be installed: /);
});

test.run();
