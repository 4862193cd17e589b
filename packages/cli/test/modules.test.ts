// `ext-compilers modules add` as a new user runs it, against `ext-compilers start` whose npm
// installs from a registry the test serves on 127.0.0.1 (the modules package's fixtures), through
// npm's own configuration (npm_config_registry): ranges and tags end available, with the version
// they resolved to; what the registry lacks ends failed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry, type TestRegistry } from '../../modules/test/helpers/registry.ts';
import { assertBuilt, envWith, launch, type Running, run, setUp, tempDir } from './helpers.ts';

const test = suite('cli: modules');

let dir: string;
let env: NodeJS.ProcessEnv;
let registry: TestRegistry;
let server: Running;
let connection: string[];

const setup = setUp(async () => {
  assertBuilt();
  dir = tempDir('modules');
  registry = await startRegistry(await packFixtures(dir), { 'fx-base': { legacy: '1.0.0' } });
  env = { ...envWith(join(dir, 'home')), ...npmEnv(dir), npm_config_registry: registry.url };
  server = launch(['start', '--port', '0', '--data', join(dir, 'data'), '--trust-code', '--sandbox', 'in-process'], { env });
  const url = (await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 20_000))[1]!;
  const token = (await server.waitFor(/\n {2}(ecadm_[\w-]{43})\n/))[1]!;
  connection = ['--url', url, '--token', token, '--container', 'demo'];
});
test.before(setup.before);
test.after(async () => {
  await server?.stop();
  await registry?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sorted = (text: string): string[] => text.trimEnd().split('\n').sort();

test('a range and a dist-tag: queued, then available with the version each resolved to (exit 0)', async () => {
  setup.ready();
  const added = await run(['modules', 'add', 'fx-base@^1', 'fx-base@legacy', '--timeout', '20', ...connection], { env, timeout: 30_000 });
  assert.equal([added.code, added.stderr], [0, '']);
  assert.equal(sorted(added.stdout), ['fx-base@^1: available (1.0.0)', 'fx-base@^1: queued', 'fx-base@legacy: available (1.0.0)', 'fx-base@legacy: queued']);
  const listed = await run(['modules', 'ls', '--json', ...connection], { env });
  assert.ok(JSON.parse(listed.stdout).modules.some((module: { name: string; version: string }) => module.name === 'fx-base' && module.version === '1.0.0'), listed.stdout);
});

test('a range the registry cannot satisfy: failed with the reason (exit 1), not queued until the timeout', async () => {
  setup.ready();
  const added = await run(['modules', 'add', 'fx-base@^7', '--timeout', '20', ...connection], { env, timeout: 30_000 });
  assert.equal([added.code, added.stdout, added.stderr], [
    1,
    'fx-base@^7: queued\nfx-base@^7: failed (Cannot install fx-base@^7: the registry has no such package or version)\n',
    'ext-compilers: 1 module failed to install: check the names and versions ("npm view NAME versions").\n',
  ]);
});

test.run();
