import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSpec, specKind } from '@ext-compilers/modules';

const table: [string, string, string | undefined, string | undefined][] = [
  ['lodash', 'lodash', undefined, undefined],
  ['lodash@4.8.2', 'lodash', '4.8.2', undefined],
  ['lodash/fp', 'lodash', undefined, 'fp'],
  ['ms@2.1.3/package.json', 'ms', '2.1.3', 'package.json'],
  ['@scope/pkg', '@scope/pkg', undefined, undefined],
  ['@scope/pkg@1.2.3', '@scope/pkg', '1.2.3', undefined],
  ['@scope/pkg@1.2.3/sub/path', '@scope/pkg', '1.2.3', 'sub/path'],
  ['@scope/pkg/sub', '@scope/pkg', undefined, 'sub'],
  ['lodash@^4', 'lodash', '^4', undefined],
  ['lodash@latest', 'lodash', 'latest', undefined],
  ['left-pad@>=1.0.0 <2', 'left-pad', '>=1.0.0 <2', undefined],
  ['JSONStream@1.3.5', 'JSONStream', '1.3.5', undefined],
];

test('package specs: name, version, subpath, scoped or not', () => {
  for (const [spec, name, version, subpath] of table) {
    assert.equal(parseSpec(spec), { spec, name, version, subpath }, spec);
  }
});

test('kinds: built-ins and paths are not packages', () => {
  assert.equal(['fs', 'node:fs', 'fs/promises', 'node:test', './x', '../x', '/abs', 'lodash', '@s/p'].map(specKind), [
    'builtin', 'builtin', 'builtin', 'builtin', 'path', 'path', 'path', 'package', 'package',
  ]);
});

test('invalid specs are ERR_MODULES_SPEC, and nothing can escape the store', () => {
  for (const spec of ['@scope', '@/x', '@scope/', 'lodash@', 'lodash@1.0.0/', 'lodash@1.0.0/../../etc', 'a/./b', '..', 'na me', 'x@1;rm', 'lodash@4/a//b', '@../x']) {
    try {
      parseSpec(spec);
      assert.unreachable(spec);
    } catch (error) {
      assert.is((error as { code?: string }).code, 'ERR_MODULES_SPEC', spec);
    }
  }
  assert.throws(() => parseSpec('./relative'), (e: { code?: string }) => e.code === 'ERR_MODULES_SPEC');
  assert.throws(() => parseSpec(42 as never), TypeError);
});

test.run();
