// POST /api/env/node/modules through the real module store and npm, installing from a registry
// the test serves on 127.0.0.1 (the modules package's fixtures and helpers): exact versions,
// ranges and tags each end available with the version they resolved to, a missing package ends
// failed, and an entry that is not a package and a version is refused before anything installs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore, type ModuleStore } from '@ext-compilers/modules';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry, type TestRegistry } from '../../modules/test/helpers/registry.ts';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
// Each poll answers at once; installs from the local registry take a second or two each.
const POLL_MS = 100;
const FOLLOW_MS = 20_000;

const work = mkdtempSync(join(tmpdir(), 'server-modules-install-'));
let registry: TestRegistry;
let modules: ModuleStore;
let server: Server;
let base: string;

test.before(async () => {
  registry = await startRegistry(await packFixtures(work), { 'fx-base': { legacy: '1.0.0' } });
  modules = createModuleStore({ root: join(work, 'store'), registry: registry.url, env: npmEnv(work) });
  server = createWebtaskServer({ store: createMemoryStore(), tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox: 'in-process', modules, logger: { error() {} } });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

async function post(entries: unknown[]): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}/api/env/node/modules`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body: JSON.stringify({ modules: entries }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json() };
}

/** Ask again, as `ext-compilers modules add` does, until no entry is queued; fails past FOLLOW_MS. */
async function follow(entries: { name: string; version: string }[]): Promise<any[]> {
  const deadline = Date.now() + FOLLOW_MS;
  for (;;) {
    const { status, body } = await post(entries);
    assert.is(status, 200, JSON.stringify(body));
    if (!body.some((entry: { state: string }) => entry.state === 'queued')) return body;
    if (Date.now() > deadline) assert.unreachable(`still queued after ${FOLLOW_MS} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

test('an exact version, a range and a dist-tag: queued, then available with the version each resolved to', async () => {
  const wanted = [
    { name: 'fx-base', version: '^1' },
    { name: 'fx-base', version: '2.0.0' },
    { name: 'fx-base', version: 'legacy' },
  ];
  assert.equal((await post(wanted)).body.map((entry: { state: string }) => entry.state), ['queued', 'queued', 'queued']);
  assert.equal(await follow(wanted), [
    { name: 'fx-base', version: '^1', state: 'available', resolved: '1.0.0' },
    { name: 'fx-base', version: '2.0.0', state: 'available' },
    { name: 'fx-base', version: 'legacy', state: 'available', resolved: '1.0.0' },
  ]);
  assert.equal(modules.versions('fx-base'), ['1.0.0', '2.0.0']);
  // What the store already satisfies is available at once, resolved as 'use npm' code resolves it.
  assert.equal((await post([{ name: 'fx-base', version: '1.x' }, { name: 'fx-base', version: 'latest' }])).body, [
    { name: 'fx-base', version: '1.x', state: 'available', resolved: '1.0.0' },
    { name: 'fx-base', version: 'latest', state: 'available', resolved: '2.0.0' },
  ]);
});

test('a range no version satisfies, and a package the registry lacks: failed with the reason, not queued forever', async () => {
  for (const entry of [{ name: 'fx-base', version: '^7' }, { name: 'fx-absent', version: '1.0.0' }]) {
    const [ended] = await follow([entry]);
    assert.equal(ended, { ...entry, state: 'failed', message: `Cannot install ${entry.name}@${entry.version}: the registry has no such package or version` });
  }
});

test('an entry that is not a package name and a version: 400 naming it, and nothing of the request installed', async () => {
  const bad: unknown[] = [
    { name: 'fx-peer/sub', version: '1.0.0' },
    { name: '@fx/with-dep/sub', version: '1.0.0' },
    { name: 'fx-peer', version: '1.0.0/index.js' },
    { name: 'fx-peer@1.0.0', version: '1.0.0' },
    { name: '../fx-peer', version: '1.0.0' },
    { name: 'node:fs', version: '1.0.0' },
    { name: 'fx peer', version: '1.0.0' },
    { name: 'fx-peer', version: '' },
    { name: 'fx-peer' },
    { name: 7, version: '1.0.0' },
    null,
  ];
  for (const entry of bad) {
    const refused = await post([{ name: 'fx-peer', version: '1.0.0' }, entry]);
    assert.equal(refused, {
      status: 400,
      body: { code: 400, error: 'Bad request.', message: 'modules[1] is not { name, version }: a package name (ms, @scope/pkg) and an exact version, a range or a dist-tag (2.1.3, ^2, latest).' },
    }, JSON.stringify(entry));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal([modules.versions('fx-peer'), registry.tarballRequests.filter((id) => id.startsWith('fx-peer'))], [[], []]);
});

test.run();
