import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore } from '@ext-compilers/modules';

const root = mkdtempSync(join(tmpdir(), 'ext-compilers-list-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

const native = [...builtinModules].sort().map((name) => ({ name, version: 'native' }));

test('an empty store lists Node built-ins, each as native, sorted', async () => {
  const listing = await createModuleStore({ root: join(root, 'empty') }).list();
  assert.equal(listing, { node_version: process.version, modules: native });
  assert.ok(listing.modules.some((m) => m.name === 'fs'));
});

test('every version in the store follows the built-ins, by name then semver; absent ones are left out', async () => {
  const store = join(root, 'store');
  const installed = { ms: ['2.1.3', '2.0.0', '10.0.0'], '@kikinteractive/kik': ['1.0.3'], lodash: ['4.8.2'] };
  for (const [name, versions] of Object.entries(installed)) {
    for (const version of versions) {
      mkdirSync(join(store, name, version, 'node_modules', name), { recursive: true });
      writeFileSync(join(store, name, version, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
    }
  }
  // lodash@3.10.1 is listed but was never installed.
  writeFileSync(join(store, 'packages.json'), JSON.stringify({ ...installed, lodash: ['3.10.1', '4.8.2'] }));
  assert.equal(await createModuleStore({ root: store }).list(), {
    node_version: process.version,
    modules: [
      ...native,
      { name: '@kikinteractive/kik', version: '1.0.3' },
      { name: 'lodash', version: '4.8.2' },
      { name: 'ms', version: '2.0.0' },
      { name: 'ms', version: '2.1.3' },
      { name: 'ms', version: '10.0.0' },
    ],
  });
});

test.run();
