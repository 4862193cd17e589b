import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '@ext-compilers/conformance';

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...args: unknown[]) => void out.push(args.join(' '));
  console.error = (...args: unknown[]) => void err.push(args.join(' '));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('--help prints the usage and exits 0', async () => {
  const { code, out } = await capture(['--help']);
  assert.is(code, 0);
  assert.match(out, 'Usage: ext-compilers-conformance --compilers <module-or-path>');
});

test('bad arguments exit 2 with a clear message', async () => {
  for (const [argv, message] of [
    [[], '--compilers <module-or-path> is required'],
    [['--compilers'], '--compilers needs a value'],
    [['--compilers', 'ext-compilers', '--profile', 'strict'], '--profile must be contract or reference'],
    [['--compilers', 'ext-compilers', '--timeout', 'soon'], '--timeout must be a positive number'],
    [['--compilers', 'ext-compilers', '--verbose'], 'unknown argument "--verbose"'],
  ] as const) {
    const { code, err } = await capture([...argv]);
    assert.is(code, 2, argv.join(' '));
    assert.match(err, message);
  }
});

test('a module that cannot be loaded exits 2', async () => {
  const { code, err } = await capture(['--compilers', 'no-such-compilers-module']);
  assert.is(code, 2);
  assert.match(err, 'Cannot load compilers from "no-such-compilers-module"');
});

test('a passing run prints the summary and exits 0', async () => {
  const { code, out } = await capture(['--compilers', 'ext-compilers', '--filter', 'post-change-password: validation']);
  assert.is(code, 0);
  assert.match(out, /^0 passed, 0 failed$/m);
  const run = await capture(['--compilers', 'ext-compilers', '--filter', 'post-change-password: user']);
  assert.is(run.code, 0);
  assert.match(run.out, /^[1-9]\d* passed, 0 failed$/m);
});

test('failures print one line each and exit 1; --json prints the report', async () => {
  const { code, out } = await capture(['--compilers', 'auth0-ext-compilers', '--filter', 'rotation: the previous secret']);
  assert.is(code, 1);
  assert.match(out, /^✘ generic: rotation: the previous secret is accepted: /m);
  assert.match(out, /^0 passed, 7 failed$/m);
  const json = await capture(['--compilers', 'auth0-ext-compilers', '--profile', 'reference', '--filter', 'rotation: the previous secret', '--json']);
  assert.is(json.code, 0);
  assert.is(JSON.parse(json.out).passed, 7);
});

test.run();
