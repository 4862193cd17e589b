import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { Module } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModuleStore, type EnsureResult } from '@ext-compilers/modules';

// The one check that uses the public npm registry (npm's configured registry, registry.npmjs.org
// by default). It is not part of `npm test`, whose tests send traffic to loopback only (installs
// there come from a registry the tests serve on 127.0.0.1): run it by hand with
// `npm run check:registry`. When the registry cannot be reached it fails, loudly: a pass would
// claim that real installs work when nothing was checked.
const root = mkdtempSync(join(tmpdir(), 'ext-compilers-e2e-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function unreachable(results: EnsureResult[]): void {
  const down = results.find((r) => (r.error as { code?: string } | undefined)?.code === 'ERR_MODULES_NETWORK');
  if (down === undefined) return;
  const npm = ((down.error as { details?: { npm?: string[] } }).details?.npm ?? []).join('\n    ');
  throw new Error(
    `\n\n  *** THE PUBLIC NPM REGISTRY IS UNREACHABLE ***\n  public-registry.check.ts installs ms@2.0.0 and ms@2.1.3 from it and cannot run without it.\n  This is a failure, not a skip. npm said:\n    ${npm}\n`,
  );
}

test('ms@2.0.0 and ms@2.1.3 from the public registry, side by side, each loading its own code', async () => {
  const store = createModuleStore({ root, installTimeout: 120_000 });
  const results = await store.ensure(['ms@2.0.0', 'ms@2.1.3']);
  unreachable(results);
  assert.equal(results, [
    { spec: 'ms@2.0.0', name: 'ms', version: '2.0.0', state: 'available' },
    { spec: 'ms@2.1.3', name: 'ms', version: '2.1.3', state: 'available' },
  ]);
  assert.equal(store.versions('ms'), ['2.0.0', '2.1.3']);
  for (const version of ['2.0.0', '2.1.3']) {
    const directory = store.resolve(`ms@${version}`)?.directory as string;
    assert.is(directory, join(root, 'ms', version, 'node_modules', 'ms'));
    const filename = join(root, 'hook.js');
    const hook = new Module(filename) as Module & { _compile(code: string, filename: string): void };
    hook.filename = filename;
    hook._compile(`const ms = require(${JSON.stringify(directory)}); module.exports = [ms('2 days'), require(${JSON.stringify(`${directory}/package.json`)}).version];`, filename);
    assert.equal(hook.exports, [172_800_000, version]);
  }
});

test.run();
