// The command line without a server: help on every verb, the version, and each kind of mistake
// (unknown verb or option, missing argument or file, no profile, an unreachable server) giving one
// line on stderr and its documented exit code.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, setUp, deadUrl, envWith, run, tempDir } from './helpers.ts';

const test = suite('cli: usage');

// Every verb, as the root help must list it.
const VERBS = [
  'start',
  'serve',
  'doctor',
  'keygen',
  'init',
  'status',
  'create',
  'update',
  'ls',
  'inspect',
  'rm',
  'logs',
  'hook create',
  'hook update',
  'hook enable',
  'hook disable',
  'hook ls',
  'token create',
  'token inspect',
  'token revoke',
  'modules ls',
  'modules add',
];

let home: string;
let env: NodeJS.ProcessEnv;

const setup = setUp(() => {
  assertBuilt();
  home = tempDir('usage');
  env = envWith(home);
});
test.before(setup.before);
test.after(() => rmSync(home, { recursive: true, force: true }));

/** Exactly one line on stderr, starting with the program's name. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.match(lines[0]!, /^ext-compilers: /);
  return lines[0]!;
}

test('--help lists every verb and the exit codes', async () => {
  setup.ready();
  const { code, stdout, stderr } = await run(['--help'], { env });
  assert.is(code, 0);
  assert.is(stderr, '');
  assert.match(stdout, /^Usage: ext-compilers VERB \[options\]/);
  const listed = [...stdout.matchAll(/^ {2}([a-z]+(?: [a-z]+)?) {2,}\S/gm)].map((match) => match[1]);
  assert.equal(listed, VERBS);
  assert.match(stdout, 'Exit codes: 0 done, 1 failed, 2 bad usage');
});

test('every verb: --help and help VERB print its usage and exit 0', async () => {
  setup.ready();
  for (const verb of VERBS) {
    const words = verb.split(' ');
    for (const argv of [[...words, '--help'], ['help', ...words], [...words, '-h']]) {
      const { code, stdout, stderr } = await run(argv, { env });
      assert.is(code, 0, argv.join(' '));
      assert.is(stderr, '', argv.join(' '));
      assert.ok(stdout.startsWith(`Usage: ext-compilers ${verb} `), `${argv.join(' ')}:\n${stdout}`);
      assert.match(stdout, '-h, --help');
    }
  }
});

test('a group: --help lists its verbs; without a verb, exit 2', async () => {
  setup.ready();
  const help = await run(['hook', '--help'], { env });
  assert.is(help.code, 0);
  assert.match(help.stdout, /^Usage: ext-compilers hook VERB/);
  for (const verb of ['hook create', 'hook update', 'hook enable', 'hook disable', 'hook ls']) assert.match(help.stdout, verb);
  const bare = await run(['token'], { env });
  assert.is(bare.code, 2);
  assert.is(oneLine(bare.stderr), 'ext-compilers: "token" needs a verb: use "token create", "token inspect", "token revoke".');
});

test('--version prints the package version', async () => {
  setup.ready();
  const { code, stdout } = await run(['--version'], { env });
  assert.is(code, 0);
  assert.match(stdout, /^\d+\.\d+\.\d+\n$/);
});

test('an unknown verb: one line, a suggestion, exit 2', async () => {
  setup.ready();
  const typo = await run(['craete', 'x.js'], { env });
  assert.is(typo.code, 2);
  assert.is(oneLine(typo.stderr), 'ext-compilers: unknown verb "craete" (did you mean "create"?): run "ext-compilers --help" for the list.');
  const other = await run(['frobnicate'], { env });
  assert.is(other.code, 2);
  assert.is(oneLine(other.stderr), 'ext-compilers: unknown verb "frobnicate": run "ext-compilers --help" for the list.');
});

test('an unknown option, a missing value, a missing or extra argument: one line, exit 2', async () => {
  setup.ready();
  const cases: [string[], string][] = [
    [['ls', '--bogus'], 'ext-compilers: unknown option --bogus for "ls": run "ext-compilers ls --help".'],
    [['inspect', 'x', '--container'], 'ext-compilers: option --container needs a value for "inspect": run "ext-compilers inspect --help".'],
    [['rm'], 'ext-compilers: "rm" needs NAME: run "ext-compilers rm --help".'],
    [['rm', 'a', 'b'], 'ext-compilers: unexpected argument "b" for "rm": run "ext-compilers rm --help".'],
    [['ls', '--limit', 'many'], 'ext-compilers: --limit must be a whole number, not "many": run "ext-compilers ls --help".'],
    [['start', '--sandbox', 'vm'], 'ext-compilers: --sandbox must be one of jail, process, worker, in-process, not "vm".'],
    [['hook', 'create', 'on-login', 'x.js'], 'ext-compilers: unknown hook type "on-login": use one of credentials-exchange, password-exchange, pre-user-registration, post-user-registration, post-change-password, send-phone-message.'],
    [['init', '--url', 'http://127.0.0.1:1'], 'ext-compilers: "init" needs --token: run "ext-compilers init --help".'],
  ];
  for (const [argv, message] of cases) {
    const { code, stdout, stderr } = await run(argv, { env });
    assert.is(code, 2, argv.join(' '));
    assert.is(stdout, '', argv.join(' '));
    assert.is(oneLine(stderr), message);
  }
});

test('no profile and no --url/--token/--container: one line naming the profiles file, exit 2', async () => {
  setup.ready();
  const { code, stderr } = await run(['ls'], { env });
  assert.is(code, 2);
  assert.is(oneLine(stderr), `ext-compilers: no server to talk to (no --url, --token, --container, no profile "default" in ${join(home, 'profiles.json')}): run "ext-compilers init --url URL --token TOKEN --container NAME" first.`);
});

test('a missing file: one line with the path, exit 5', async () => {
  setup.ready();
  const missing = join(home, 'nope.js');
  const { code, stderr } = await run(['create', missing, '--url', 'http://127.0.0.1:9', '--token', 't', '--container', 'c'], { env });
  assert.is(code, 5);
  assert.is(oneLine(stderr), `ext-compilers: no such file: ${missing}: check the path.`);
  const serve = await run(['serve', missing, '--port', '0'], { env });
  assert.is(serve.code, 5);
  assert.is(oneLine(serve.stderr), `ext-compilers: no such file: ${missing}: check the path.`);
});

test('an unreachable server: one line saying to start it, exit 1', async () => {
  setup.ready();
  const url = await deadUrl();
  const file = join(home, 'hello.js');
  writeFileSync(file, 'module.exports = (cb) => cb(null, 1);');
  for (const argv of [['ls'], ['create', file], ['token', 'create'], ['modules', 'ls']]) {
    const { code, stderr } = await run([...argv, '--url', url, '--token', 'whatever', '--container', 'demo'], { env });
    assert.is(code, 1, argv.join(' '));
    assert.is(oneLine(stderr), `ext-compilers: cannot reach ${url} (ECONNREFUSED): is the server running? Start it with "ext-compilers start".`);
  }
  const init = await run(['init', '--url', url, '--token', 'whatever', '--container', 'demo'], { env });
  assert.is(init.code, 1);
  assert.match(oneLine(init.stderr), 'ECONNREFUSED');
});

test('a closed stdout (ext-compilers … | head -1): exit 0 and nothing on stderr; serve stops as on Ctrl-C', async () => {
  setup.ready();
  for (const argv of [['--help'], ['--version'], ['help', 'modules', 'add'], ['ls', '--help']]) {
    const { code, stderr } = await run(argv, { env, closedStdout: true });
    assert.equal([code, stderr], [0, ''], argv.join(' '));
  }
  const file = join(home, 'served.js');
  writeFileSync(file, 'module.exports = (cb) => cb(null, 1);');
  const served = await run(['serve', file, '--port', '0'], { env, closedStdout: true });
  assert.equal([served.code, served.stderr], [0, 'Stopping…\n']);
});

test('init --offline writes the profile file with mode 0600', async () => {
  setup.ready();
  const { code, stdout } = await run(['init', '--offline', '--profile', 'later', '--url', 'http://127.0.0.1:8721/', '--token', 'tok', '--container', 'c1'], { env });
  assert.is(code, 0);
  assert.match(stdout, `Saved profile "later" (container c1 at http://127.0.0.1:8721) in ${join(home, 'profiles.json')}.`);
  const { readFileSync, statSync } = await import('node:fs');
  assert.equal(JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')), { later: { url: 'http://127.0.0.1:8721', token: 'tok', container: 'c1' } });
  assert.is(statSync(join(home, 'profiles.json')).mode & 0o777, 0o600);
  const unknown = await run(['ls', '--profile', 'nope'], { env });
  assert.is(unknown.code, 2);
  assert.match(oneLine(unknown.stderr), 'no profile "nope" in');
});

test.run();
