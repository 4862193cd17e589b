// docs/install.md's promise: the table of what each package needs of the others is the packages'
// own manifests, and every range among them is satisfied by the version in this repository, so
// tarballs packed together (`npm pack`) install together without the registry.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import semver from 'semver';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = new URL('../', import.meta.url);
const manifests: Manifest[] = readdirSync(new URL('packages/', root)).map((dir) => JSON.parse(readFileSync(new URL(`packages/${dir}/package.json`, root), 'utf8')) as Manifest);
const ours = new Map(manifests.map((manifest) => [manifest.name, manifest]));
const short = (name: string): string => (name === 'ext-compilers' ? 'compilers' : name.replace('@ext-compilers/', ''));

test('the table of docs/install.md is what the manifests say', () => {
  const doc = readFileSync(new URL('docs/install.md', root), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)].map(([, name, needs]) => [name!, needs!]));
  assert.equal([...rows.keys()].sort(), [...ours.keys()].sort());
  for (const manifest of manifests) {
    const needs = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter((name) => ours.has(name)).map(short).sort();
    const listed = rows.get(manifest.name)!.replace(/\s*\([^)]*\)/g, '').split(/,\s*|;\s*/).filter((cell) => cell && cell !== '—').map((cell) => cell.trim()).sort();
    assert.equal(listed, needs, manifest.name);
  }
});

test("every range among the packages is satisfied by this repository's versions", () => {
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const target = ours.get(name);
      if (target) assert.ok(semver.satisfies(target.version, range), `${manifest.name} needs ${name}@${range}, this repository has ${target.version}`);
    }
  }
});

test.run();
