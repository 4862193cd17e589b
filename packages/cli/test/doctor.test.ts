// `ext-compilers doctor`: what this machine can enforce, and its exit code (0: the jail can run).
// Compared with jailSupport() asked in this process (the same machine), and on a PATH without
// bubblewrap, where it must say what is missing and how to install it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { jailSupport } from '@ext-compilers/runtime';
import { assertBuilt, envWith, run, setUp, tempDir } from './helpers.ts';

const test = suite('cli: doctor');

let dir: string;
let env: NodeJS.ProcessEnv;

const setup = setUp(() => {
  assertBuilt();
  dir = tempDir('doctor');
  env = envWith(join(dir, 'home'));
  mkdirSync(join(dir, 'empty-path'));
});
test.before(setup.before);
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The report's rows by label. */
function rowsOf(stdout: string): Record<string, string> {
  return Object.fromEntries(stdout.split('\n').flatMap((line) => {
    const match = /^(bubblewrap|user namespaces|cgroup v2|node|start's sandbox) {2,}(.*)$/.exec(line);
    return match ? [[match[1]!, match[2]!]] : [];
  }));
}

test('this machine: the same answers as jailSupport(), exit 0 exactly when the jail can run', async () => {
  setup.ready();
  const support = jailSupport();
  const { code, stdout, stderr } = await run(['doctor'], { env });
  assert.equal([code, stderr], [support.ok ? 0 : 1, '']);
  const rows = rowsOf(stdout);
  assert.is(rows.bubblewrap, support.bwrap ?? 'missing');
  assert.is(rows['cgroup v2'], support.cgroup2 ? 'yes' : 'no');
  assert.ok(rows.node?.startsWith(`${process.version} (${support.node.path}): `), rows.node);
  assert.is(rows["start's sandbox"], support.ok ? 'jail' : 'process (tenants not isolated from each other)');
  if (support.ok) assert.is(rows['user namespaces'], 'yes');
});

test('no bubblewrap: missing, how to install it, exit 1', async () => {
  setup.ready();
  const { code, stdout } = await run(['doctor'], { env: { ...env, PATH: join(dir, 'empty-path') } });
  assert.is(code, 1);
  const rows = rowsOf(stdout);
  assert.equal([rows.bubblewrap, rows['user namespaces'], rows["start's sandbox"]], ['missing', 'not checked (it needs bubblewrap)', 'process (tenants not isolated from each other)']);
  assert.match(stdout, 'The jail cannot run here (bubblewrap is not installed: apt-get install -y bubblewrap (Debian/Ubuntu) or dnf install bubblewrap)');
});

test('--json: the report as data', async () => {
  setup.ready();
  const support = jailSupport();
  const { code, stdout } = await run(['doctor', '--json'], { env });
  assert.is(code, support.ok ? 0 : 1);
  const report = JSON.parse(stdout) as Record<string, unknown>;
  assert.equal(Object.keys(report).sort(), ['bwrap', 'cgroup2', 'node', 'ok', 'problem', 'sandbox', 'userNamespaces'].filter((key) => key !== 'problem' || support.problem !== undefined));
  assert.equal([report.ok, report.bwrap, report.sandbox], [support.ok, support.bwrap, support.ok ? 'jail' : 'process']);
  assert.equal(report.node, { ...support.node, supported: true });
});

test.run();
