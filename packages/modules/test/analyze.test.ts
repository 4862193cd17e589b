import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { analyze, parseSpec, type RequireSite, specKind } from '@ext-compilers/modules';

function caught(fn: () => unknown): Error & { code?: string; details?: unknown } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; details?: unknown };
  }
  throw new Error('expected an error');
}

/** Expected sites from `[argument text, line, column]`: offsets found in order, spec read back. */
function sites(code: string, expected: [argument: string, line: number, column: number, spec?: string][]): RequireSite[] {
  let from = 0;
  return expected.map(([argument, line, column, spec]) => {
    const start = code.indexOf(argument, from);
    from = start + 1;
    const end = start + argument.length;
    if (spec === undefined) return { spec, kind: 'dynamic', module: undefined, dynamic: true, start, end, line, column };
    const kind = specKind(spec);
    return { spec, kind, module: kind === 'package' ? parseSpec(spec) : undefined, dynamic: false, start, end, line, column };
  });
}

const directives: [string, string, { npm: boolean; latest: boolean }][] = [
  ['single quotes, newline', "'use npm'\nmodule.exports = 1;", { npm: true, latest: false }],
  ['double quotes, semicolon', '"use npm";module.exports = 1;', { npm: true, latest: false }],
  ['both, either order', "'use latest';\n\"use npm\";\n", { npm: true, latest: true }],
  ['both on one line', "'use npm';'use latest';", { npm: true, latest: true }],
  ['after a BOM', "\uFEFF'use npm'\n", { npm: true, latest: false }],
  ['CRLF line ends', "'use latest'\r\n'use npm'\r\nmodule.exports = 1;", { npm: true, latest: true }],
  ['blank lines and indentation first', "\n\n  \t'use npm'\n", { npm: true, latest: false }],
  ['spaces before the semicolon', "'use npm' \t;", { npm: true, latest: false }],
  ['several spaces inside', "'use \t npm';", { npm: true, latest: false }],
  ['repeated', "'use npm';\n'use npm';\n", { npm: true, latest: false }],
  ['at the end of the file, unterminated (as the reference)', "'use npm'", { npm: false, latest: false }],
  ['a comment first (the reference allows only whitespace)', "// hook\n'use npm'\n", { npm: false, latest: false }],
  ['a block comment first', "/* hook */ 'use npm';", { npm: false, latest: false }],
  ['a hashbang first', "#!/usr/bin/env node\n'use npm'\n", { npm: false, latest: false }],
  ["'use strict' first stops the prologue", "'use strict';\n'use npm';\n", { npm: false, latest: false }],
  ['an unknown directive stops it', "'use npm'\n'use astrology'\n'use latest'\n", { npm: true, latest: false }],
  ['mismatched quotes', "'use npm\"';\n", { npm: false, latest: false }],
  ['no space after use', "'usenpm';\n", { npm: false, latest: false }],
  ['a longer word', "'use npmx';\n", { npm: false, latest: false }],
  ['not at the top', "x = 1;\n'use npm';\n", { npm: false, latest: false }],
  ['inside an expression', 'x = "use npm";\n', { npm: false, latest: false }],
];

test('directives: webtask-runtime semantics', () => {
  for (const [name, code, expected] of directives) {
    assert.equal(analyze(code), { directives: expected, requires: [] }, name);
  }
});

test('directives: a long run of whitespace is scanned in linear time', () => {
  const code = `${' \n'.repeat(200_000)}'use npm'\n${"'use npm';".repeat(20_000)}`;
  const started = performance.now();
  assert.equal(analyze(code).directives, { npm: true, latest: false });
  assert.ok(performance.now() - started < 2_000);
});

const requires: [string, string, [string, number, number, string?][]][] = [
  ['a package', "const _ = require('lodash');", [["'lodash'", 1, 18, 'lodash']]],
  [
    'versions, ranges, tags, scopes and subpaths',
    "require('lodash@4.8.2');\nrequire(\"@scope/pkg@1.2.3/sub/path\");\nrequire('ms@^2/package.json'); require('x@latest');",
    [["'lodash@4.8.2'", 1, 8, 'lodash@4.8.2'], ['"@scope/pkg@1.2.3/sub/path"', 2, 8, '@scope/pkg@1.2.3/sub/path'], ["'ms@^2/package.json'", 3, 8, 'ms@^2/package.json'], ["'x@latest'", 3, 39, 'x@latest']],
  ],
  ['built-ins', "require('fs'); require('node:fs'); require('fs/promises');", [["'fs'", 1, 8, 'fs'], ["'node:fs'", 1, 23, 'node:fs'], ["'fs/promises'", 1, 43, 'fs/promises']]],
  ['paths', "require('./a'); require('../b'); require('/c');", [["'./a'", 1, 8, './a'], ["'../b'", 1, 24, '../b'], ["'/c'", 1, 41, '/c']]],
  ['a template literal without expressions', 'require(`ms@2.1.3`);', [['`ms@2.1.3`', 1, 8, 'ms@2.1.3']]],
  [
    'dynamic requires',
    "require(name); require(`x${v}`); require('a' + 'b'); require(...args); require(cond ? 'a' : 'b');",
    [['name', 1, 8], ['`x${v}`', 1, 23], ["'a' + 'b'", 1, 41], ['...args', 1, 61], ["cond ? 'a' : 'b'", 1, 79]],
  ],
  ['no argument: the call itself', 'require();', [['require()', 1, 0]]],
  [
    'nested anywhere',
    [
      'module.exports = async function (ctx = require("a"), cb) {',
      '  if (ctx) { try { f(require(`b`)); } catch { return x ? require("c") : [{ k: require("d") }]; } }',
      '  class K { m() { return `${require("e")}`; } static #p = require("f"); }',
      '  return async () => require?.("g") ?? await require(require("h"));',
      '};',
    ].join('\n'),
    [
      ['"a"', 1, 47, 'a'], ['`b`', 2, 29, 'b'], ['"c"', 2, 65, 'c'], ['"d"', 2, 86, 'd'], ['"e"', 3, 36, 'e'],
      ['"f"', 3, 66, 'f'], ['"g"', 4, 31, 'g'], ['require("h")', 4, 53], ['"h"', 4, 61, 'h'],
    ],
  ],
  ['a hashbang and a top-level return', "#!/usr/bin/env node\nreturn require('a');", [["'a'", 2, 15, 'a']]],
  ['ESM syntax (module goal)', "import x from 'y';\nexport const z = require('z');", [["'z'", 2, 25, 'z']]],
  ['a shadowing binding named require is still reported', "function f(require) { return require('x'); }", [["'x'", 1, 37, 'x']]],
  ['CRLF and Unicode line breaks count as lines', "'use npm'\r\nrequire('a@1.0.0');\u2028require('b');", [["'a@1.0.0'", 2, 8, 'a@1.0.0'], ["'b'", 3, 8, 'b']]],
  ['not requires', "o.require('a'); new require('b'); requireX('c'); require.resolve('d'); r = require;", []],
];

test('requires: static, dynamic, nested, in source order', () => {
  for (const [name, code, expected] of requires) {
    assert.equal(analyze(code).requires, sites(code, expected), name);
  }
});

test('a whole analysis', () => {
  const code = "'use npm'\nconst ms = require('ms@2.1.3');\n";
  assert.equal(analyze(code), {
    directives: { npm: true, latest: false },
    requires: [
      {
        spec: 'ms@2.1.3',
        kind: 'package',
        module: { spec: 'ms@2.1.3', name: 'ms', version: '2.1.3', subpath: undefined },
        dynamic: false,
        start: 29,
        end: 39,
        line: 2,
        column: 19,
      },
    ],
  });
});

const syntaxErrors: [string, string, number, number, string][] = [
  ['an unexpected token', 'module.exports = function () {\n  return 1 +;\n};', 2, 12, 'Unexpected token (2:12)'],
  ['an unterminated string', "'use npm'\nrequire('a);", 2, 8, 'Unterminated string constant (2:8)'],
  ['the module goal got further', "import x from 'y';\nlet = ;", 2, 0, "The keyword 'let' is reserved (2:0)"],
  ['the script goal got further', 'return 1;\n}', 2, 0, 'Unexpected token (2:0)'],
];

test('syntax errors: ERR_COMPILE_SYNTAX with line and column', () => {
  for (const [name, code, line, column, message] of syntaxErrors) {
    const error = caught(() => analyze(code));
    assert.equal([error.code, error.message, error.details], ['ERR_COMPILE_SYNTAX', message, { line, column }], name);
    assert.instance(error.cause, SyntaxError, name);
  }
});

test('an invalid spec that asks for a version is ERR_MODULES_SPEC naming it', () => {
  for (const spec of ['lodash@1.0.0/../../etc/passwd', 'na me@1', 'x@1;rm']) {
    const error = caught(() => analyze(`require(${JSON.stringify(spec)});`));
    assert.equal([error.code, error.details], ['ERR_MODULES_SPEC', { spec }], spec);
  }
});

test('an invalid unversioned spec is reported without a parsed module, left to Node', () => {
  const { requires } = analyze("require(''); require('Not Valid');");
  assert.equal(requires.map((r) => [r.spec, r.kind, r.module]), [
    ['', 'package', undefined],
    ['Not Valid', 'package', undefined],
  ]);
});

test('misuse is a TypeError', () => {
  assert.throws(() => analyze(undefined as never), TypeError);
});

test.run();
