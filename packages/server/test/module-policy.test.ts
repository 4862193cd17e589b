// Who installs modules into the server's store: the admin anything; a tenant's token only what
// the module policy allows, while the store is under its size quota — through
// POST /api/env/node/modules and through 'use npm' code at create. The store's npm is `false`, so
// an admitted install fails at once and nothing reaches a registry: the tests look at the gate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore } from '@ext-compilers/modules';
import { checkModulePolicy, createMemoryStore, createWebtaskServer, type ModulePolicy } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
const POLICY: ModulePolicy = { allow: ['lodash', 'left-pad@1.x', '@scope/*'] };

const roots: string[] = [];
const servers: Server[] = [];

/** A module store holding ms@2.1.3 (as an install leaves it), and a server over it; a tenant token for `acme`. */
async function serve(modulePolicy: ModulePolicy | undefined): Promise<{ base: string; tenant: string; modules: string }> {
  const root = mkdtempSync(join(tmpdir(), 'server-module-policy-'));
  roots.push(root);
  const modules = join(root, 'modules');
  mkdirSync(join(modules, 'ms', '2.1.3', 'node_modules', 'ms'), { recursive: true });
  writeFileSync(join(modules, 'ms', '2.1.3', 'node_modules', 'ms', 'package.json'), '{"name":"ms","version":"2.1.3"}');
  writeFileSync(join(modules, 'ms', '2.1.3', 'node_modules', 'ms', 'index.js'), "module.exports = () => 'ms from the store';");
  writeFileSync(join(modules, 'packages.json'), '{"ms":["2.1.3"]}');
  const tokens = createTokenService(generateKeys());
  const store = createModuleStore({ root: modules, npm: 'false' });
  const server = createWebtaskServer({ store: createMemoryStore(), tokens, adminToken: ADMIN, sandbox: 'in-process', modules: store, modulePolicy, logger: { error() {} } });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tenant: await tokens.issue({ ten: 'acme' }), modules };
}

test.after(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

async function install(base: string, token: string, modules: { name: string; version: string }[]): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/env/node/modules`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ modules }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

async function create(base: string, token: string, code: string): Promise<{ status: number; message: string | undefined }> {
  const response = await fetch(`${base}/api/webtask/acme/w`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ code }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, message: ((await response.json()) as { message?: string }).message };
}

const npmCode = (spec: string) => `'use npm';\nconst m = require('${spec}');\nmodule.exports = (cb) => cb(null, { said: m() });\n`;

async function adhoc(base: string, token: string, code: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/run/acme`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: code, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

test('without a policy: the admin installs; a tenant installs nothing, and may still list and use what is there', async () => {
  const { base, tenant } = await serve(undefined);
  assert.equal(await install(base, ADMIN, [{ name: 'left-pad', version: '1.3.0' }]), { status: 200, body: [{ name: 'left-pad', version: '1.3.0', state: 'queued' }] });
  const refused = await install(base, tenant, [{ name: 'left-pad', version: '1.3.0' }]);
  assert.equal(refused, { status: 403, body: { code: 403, error: 'Forbidden.', message: "Only the server's admin installs modules here (left-pad@1.3.0): the server has no module policy for tenants." } });
  assert.equal(await install(base, tenant, [{ name: 'ms', version: '2.1.3' }]), { status: 200, body: [{ name: 'ms', version: '2.1.3', state: 'available' }] });
  const listing = await fetch(`${base}/api/env/node/modules`, { headers: { authorization: `Bearer ${tenant}` } });
  assert.is(listing.status, 200);
  assert.equal(await create(base, tenant, npmCode('left-pad@1.3.0')), { status: 403, message: "Only the server's admin installs modules here (left-pad@1.3.0): the server has no module policy for tenants." });
  assert.equal(await create(base, tenant, npmCode('ms@2.1.3')), { status: 200, message: undefined });
  assert.match((await create(base, ADMIN, npmCode('left-pad@1.3.0'))).message ?? '', /^The webtask's modules cannot be installed: /);
});

test('with a policy: names, patterns and ranges, as a table', async () => {
  const { base, tenant } = await serve(POLICY);
  const cases: [name: string, version: string, allowed: boolean][] = [
    ['lodash', '4.17.21', true],
    ['lodash', 'latest', true],
    ['lodash-es', '4.17.21', false],
    ['left-pad', '1.3.0', true],
    ['left-pad', '^1.2.0', true],
    ['left-pad', '2.0.0', false],
    ['left-pad', '>=1', false],
    ['left-pad', 'latest', false],
    ['@scope/pkg', '1.0.0', true],
    ['@other/pkg', '1.0.0', false],
  ];
  for (const [name, version, allowed] of cases) {
    const { status, body } = await install(base, tenant, [{ name, version }]);
    if (allowed) assert.is(status, 200, `${name}@${version}`);
    else assert.equal([status, body.message], [403, `The server's module policy does not allow ${name}@${version}: ask its admin to install it, or to allow it.`]);
  }
  const mixed = await install(base, tenant, [{ name: 'lodash', version: '4.17.20' }, { name: 'left-pad', version: '2.0.0' }]);
  assert.is(mixed.status, 403, 'one refused entry refuses the request');
  assert.is((await create(base, tenant, npmCode('left-pad@2.0.0'))).status, 403);
  const admitted = await create(base, tenant, npmCode('left-pad@1.3.0'));
  assert.match(admitted.message ?? '', /^The webtask's modules cannot be installed: /, 'admitted, then failed in npm');
});

test('maxBytes: once the store holds that much, tenants install nothing more', async () => {
  const { base, tenant } = await serve({ allow: ['lodash'], maxBytes: 10 });
  const refused = await install(base, tenant, [{ name: 'lodash', version: '4.17.21' }]);
  assert.is(refused.status, 403);
  assert.match(refused.body.message, /^The module store holds \d+ bytes, at its limit of 10 bytes for tenant installs: ask the server's admin\.$/);
  assert.is((await install(base, ADMIN, [{ name: 'lodash', version: '4.17.21' }])).status, 200);
});

test('code about to run is held to the same rule: ad-hoc code, and stored code whose versions left the store', async () => {
  const { base, tenant, modules } = await serve(POLICY);
  const refused = await adhoc(base, tenant, npmCode('left-pad@2.0.0'));
  assert.equal(refused, { status: 403, body: { code: 403, error: 'Forbidden.', message: "The server's module policy does not allow left-pad@2.0.0: ask its admin to install it, or to allow it." } });
  assert.equal(await adhoc(base, tenant, npmCode('ms@2.1.3')), { status: 200, body: { said: 'ms from the store' } });
  assert.equal(await create(base, ADMIN, npmCode('ms@2.1.3')), { status: 200, message: undefined });
  writeFileSync(join(modules, 'packages.json'), '{}');
  await new Promise((resolve) => setTimeout(resolve, 100)); // a store looks at its index again after 20 ms
  const ran = await fetch(`${base}/api/run/acme/w`, { signal: AbortSignal.timeout(10_000) });
  assert.equal([ran.status, ((await ran.json()) as { message: string }).message], [403, "The server's module policy does not allow ms@2.1.3: ask its admin to install it, or to allow it."]);
});

test('checkModulePolicy: a copy of a good policy; a TypeError naming what is wrong', () => {
  assert.equal(checkModulePolicy({ allow: ['a', '@s/*@^2'], maxBytes: 5 }), { allow: ['a', '@s/*@^2'], maxBytes: 5 });
  assert.throws(() => checkModulePolicy({ allow: 'lodash' }), /modulePolicy must be \{ allow: string\[\], maxBytes\?: number \}/);
  assert.throws(() => checkModulePolicy({ allow: ['left-pad@not a range'] }), /modulePolicy.allow\[0\] "left-pad@not a range" is not a package name or pattern/);
  assert.throws(() => checkModulePolicy({ allow: [], maxBytes: -1 }), /modulePolicy.maxBytes must be a non-negative integer/);
});

test.run();
