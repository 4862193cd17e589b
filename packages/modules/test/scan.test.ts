// prepare() finds requires with a linear scan; analyze() with acorn's parse. They must agree.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { analyze, prepare } from '@ext-compilers/modules';
import { createFixtureStore } from './helpers/fixture-store.ts';

const TRICKY = [
  "const a = require('left'), b = require(\"right\"), c = require(`tpl`);",
  "// require('commented@1.0.0')\n/* require('block@1.0.0') */ const x = require('real');",
  "const s = \"require('in-a-string@1')\"; const t = 'it\\'s require(\"no\")'; require('yes');",
  'const re = /require\\(\'in-a-regex\'\\)/g; require(\'after-regex\');',
  "const k = a / require('divided') / 2; const r = x ? /re[/]x/ : y;",
  "if (ok) /require('regex-after-if')/.test(s); else require('else-branch');",
  "function f() { return /}/.test(x) } require('after-block'); const o = { a: 1 } / 2;",
  "const tpl = `${require('in-template')} and ${ { a: require('nested') }.a } \\` ${`${require('deep')}`}`;",
  "const obj = { require: 1 }; o.require('member'); new require('constructed'); require?.('optional');",
  "require(name); require('a' + b); require(`x${y}`); require(...specs); require();",
  "const m = require ( /* c */ 'spaced' /* d */ ); const n = require('with-second', 2);",
  "class A { #require = 1; static m() { return this.#require / 2 } } require('after-class');",
  "const f = () => ({ a: require('in-arrow-object') }); const g = () => { return require('in-arrow-block') };",
  "label: { require('labelled') } x++ / 2; require('after-increment');",
  "for (const k of ks) /re/.exec(require('in-for-body')); while (a) {} require('after-while');",
  "#!/usr/bin/env node\nrequire('after-hashbang');",
  "const u = '\\u0072equire(\"escaped-name\")'; require('fs'); require('node:path'); require('./rel'); require('/abs');",
  "switch (x) { case 1: require('case-one'); break; default: require('default') }",
  "async function h() { await require('awaited')(); yield /re/; } const d = a\n/require('not-a-regex')/i;",
];

function corpus(): [string, string][] {
  const rewrite = new URL('./fixtures/rewrite/', import.meta.url);
  const fixtures = readdirSync(rewrite).map((dir) => [dir, readFileSync(new URL(`${dir}/input.js`, rewrite), 'utf8')] as [string, string]);
  return [...fixtures, ...TRICKY.map((code, i) => [`tricky ${i}`, code] as [string, string])];
}

function analyzeDirectives(code: string): boolean {
  try {
    return analyze(code).directives.npm;
  } catch {
    return false;
  }
}

const view = (r: { spec: string | undefined; kind: string; line: number; column: number; dynamic: boolean }) =>
  r.dynamic ? ['dynamic', r.line] : [r.spec, r.kind, r.line, r.column];

test('the scan and the parse find the same requires, at the same places', async () => {
  const store = createFixtureStore(['fixture-a@1.0.0', 'fixture-a@2.0.0', '@fx/b@1.0.0', 'fixture-c@1.2.0'], { 'fixture-c': ['1.2.0'] });
  let compared = 0;
  try {
    for (const [name, raw] of corpus()) {
      const code = analyzeDirectives(raw) ? raw : `'use npm';${raw}`;
      let parsed: ReturnType<typeof analyze>;
      try {
        parsed = analyze(code);
      } catch {
        continue; // not valid JavaScript: nothing to compare
      }
      let scanned: Awaited<ReturnType<typeof prepare>>;
      try {
        scanned = await prepare(code, { store, install: true });
      } catch {
        continue; // a version the store cannot give: covered by prepare's own tests
      }
      assert.equal(scanned.requires.map(view), parsed.requires.map(view), name);
      // The scan (not acorn, its fallback) handled the script: only the scan lets this error pass.
      await prepare(`${code}\n;1 +;`, { store, install: true }).catch((error) => assert.unreachable(`${name}: fell back to the parse (${error.message})`));
      compared++;
    }
  } finally {
    store.remove();
  }
  assert.ok(compared >= TRICKY.length, `compared ${compared} scripts`);
});

test('a require inside a string, a comment, a template text or a regex is never rewritten', async () => {
  const store = createFixtureStore(['fixture-a@1.0.0']);
  try {
    const code = `'use npm';
const s = "require('fixture-a@1.0.0')"; // require('fixture-a@1.0.0')
const r = /require\\('fixture-a@1.0.0'\\)/; const t = \`require('fixture-a@1.0.0')\`;
const real = require('fixture-a@1.0.0');`;
    const { code: out, requires } = await prepare(code, { store });
    assert.is(requires.length, 1);
    assert.is(out.split('\n').slice(0, 3).join('\n'), code.split('\n').slice(0, 3).join('\n'));
    assert.ok(!out.split('\n')[3]!.includes('fixture-a@1.0.0'));
  } finally {
    store.remove();
  }
});

test.run();
