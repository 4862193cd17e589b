// `ext-compilers start`: which sandbox it runs and what it refuses, its limits in --help and on a
// live server; one server per data directory (its lock); how it stops, and what `logs` then says.
// A machine without the jail is made by a PATH without bubblewrap (jailSupport looks for it
// there), so both paths run on any machine. Servers bind 127.0.0.1, port 0.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jailSupport } from '@ext-compilers/runtime';
import { assertBuilt, envWith, launch, type Running, run, setUp, tempDir, within } from './helpers.ts';

const test = suite('cli: start');

let dir: string;
let env: NodeJS.ProcessEnv;
/** The environment of a machine without bubblewrap. */
let noJail: NodeJS.ProcessEnv;
let data = 0;
const running: Running[] = [];

const setup = setUp(() => {
  assertBuilt();
  dir = tempDir('start');
  env = envWith(join(dir, 'home'));
  mkdirSync(join(dir, 'empty-path'));
  noJail = { ...env, PATH: join(dir, 'empty-path') };
});
test.before(setup.before);
test.after(async () => {
  for (const server of running) await server.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => join(dir, `data-${data++}`);

/** Start a server; resolves once it says it listens, with its URL and the sandbox it names. */
async function started(args: string[], environment = env, directory = dataDir()): Promise<{ server: Running; url: string; sandbox: string }> {
  const server = launch(['start', '--port', '0', '--data', directory, '--workers', '2', ...args], { env: environment });
  running.push(server);
  const [, url, sandbox] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+) \(sandbox: ([a-z-]+)\)/, 20_000);
  await server.waitFor(/Press Ctrl-C to stop\./);
  return { server, url: url!, sandbox: sandbox! };
}

/** Exactly one line on stderr. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  return lines[0]!;
}

const NO_BWRAP = 'bubblewrap is not installed: apt-get install -y bubblewrap (Debian/Ubuntu) or dnf install bubblewrap';

test('--help shows every limit with its default', async () => {
  setup.ready();
  const { code, stdout } = await run(['start', '--help'], { env });
  assert.is(code, 0);
  const defaults: Record<string, string> = {
    sandbox: 'jail; process, with a warning, where the jail cannot run',
    workers: '2 × CPUs, at least 2',
    'container-guests': 'half of --workers, at least 1',
    'container-queue': '64',
    'memory-limit': '128',
    'tmp-size': '16 MiB = 16777216',
    timeout: '20000',
    'max-body-size': '1 MiB = 1048576',
    'max-response-size': '6 MiB = 6291456',
    'log-lines': '1000',
    'log-bytes': '1 MiB = 1048576',
    'max-webtasks': '100',
    'max-container-storage': '10 MiB = 10485760',
    'max-container-log-streams': '10',
    'max-connections': '1024',
    'headers-timeout': '10000',
    'request-timeout': '30000',
    'max-log-streams': '100',
    'module-policy': 'only the admin installs',
  };
  for (const [flag, value] of Object.entries(defaults)) {
    const row = stdout.split('\n').find((line) => line.trimStart().startsWith(`--${flag} `));
    assert.ok(row?.endsWith(`(default: ${value})`), `--${flag}: ${row}`);
  }
  for (const heading of ['Sandbox:', 'Limits of a run:', 'Limits of a container:', 'Limits of the server:']) assert.match(stdout, `\n${heading}\n`);
  assert.match(stdout, /--trust-code +allow --sandbox worker or in-process/);
  assert.match(stdout, /--allow-egress CIDR\|HOST:PORT +jail: .*\(repeatable\)/);
});

test('refused before anything starts: one line each, with its exit code', async () => {
  setup.ready();
  writeFileSync(join(dir, 'bad-policy.json'), '{ "allow": "lodash" }');
  const cases: [string[], number, string][] = [
    [['--sandbox', 'worker'], 2, "ext-compilers: --sandbox worker runs every tenant's code in threads of the server's process, unisolated from the server and from each other: add --trust-code if all the code this server runs is trusted (one tenant), or use the jail."],
    [['--sandbox', 'in-process'], 2, "ext-compilers: --sandbox in-process runs every tenant's code in the server's own process, unisolated from the server and from each other: add --trust-code if all the code this server runs is trusted (one tenant), or use the jail."],
    [['--sandbox', 'vm'], 2, 'ext-compilers: --sandbox must be one of jail, process, worker, in-process, not "vm".'],
    [['--sandbox', 'process', '--require-jail'], 2, 'ext-compilers: --require-jail and --sandbox process contradict each other: drop one.'],
    [['--workers', '1'], 2, 'ext-compilers: --workers must be at least 2, not 1: run "ext-compilers start --help".'],
    [['--tmp-size', '4096'], 2, 'ext-compilers: --tmp-size must be at least 1048576, not 4096: run "ext-compilers start --help".'],
    [['--max-webtasks', '0'], 2, 'ext-compilers: --max-webtasks must be at least 1, not 0: run "ext-compilers start --help".'],
    [['--allow-egress', '10.0.0.0/8,'], 2, 'ext-compilers: --allow-egress takes a CIDR, an IP or HOST:PORT (comma-separated, or the flag repeated), not an empty entry.'],
    [['--module-policy', join(dir, 'missing.json')], 5, `ext-compilers: no such module policy: ${join(dir, 'missing.json')}: check the path.`],
    [['--module-policy', join(dir, 'bad-policy.json')], 2, `ext-compilers: the module policy ${join(dir, 'bad-policy.json')} is not one: modulePolicy must be { allow: string[], maxBytes?: number }.`],
  ];
  for (const [args, exit, message] of cases) {
    const { code, stdout, stderr } = await run(['start', '--port', '0', '--data', dataDir(), ...args], { env });
    assert.is(oneLine(stderr), message, args.join(' '));
    assert.equal([code, stdout], [exit, ''], args.join(' '));
  }
});

test('without the jail: --require-jail and --sandbox jail refuse with the reason (exit 1)', async () => {
  setup.ready();
  for (const args of [['--require-jail'], ['--sandbox', 'jail']]) {
    const { code, stdout, stderr } = await run(['start', '--port', '0', '--data', dataDir(), ...args], { env: noJail });
    assert.equal([code, stdout, oneLine(stderr)], [1, '', `ext-compilers: the jail sandbox cannot run on this machine: ${NO_BWRAP}.`], args.join(' '));
  }
});

test('without the jail, by default: what is missing in one line, a warning, then the process sandbox serving, with its limits', () => {
  setup.ready();
  return within(60_000, (async () => {
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ allow: ['left-pad@1.x'] }));
    const { server, url, sandbox } = await started(['--max-webtasks', '1', '--module-policy', join(dir, 'policy.json')], noJail);
    assert.is(sandbox, 'process');
    assert.equal(server.stderr().split('\n').slice(0, 2), [
      `ext-compilers: the jail sandbox cannot run on this machine: ${NO_BWRAP}.`,
      "ext-compilers: warning: running the process sandbox instead: tenants are NOT isolated from each other nor from this server's files (their code runs as this user, reads what it can read, and reaches any address); --require-jail refuses to start without the jail.",
    ]);
    const admin = /\n {2}(ecadm_[\w-]{43})\n/.exec(server.stdout())![1]!;
    const issued = await fetch(`${url}/api/tokens/issue`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: '{"ten":"demo"}' });
    const connection = ['--url', url, '--token', (await issued.text()).trim(), '--container', 'demo'];
    writeFileSync(join(dir, 'one.js'), 'module.exports = (cb) => cb(null, { ran: true });');
    assert.is((await run(['create', join(dir, 'one.js'), ...connection], { env })).code, 0);
    assert.equal(await (await fetch(`${url}/api/run/demo/one`)).json(), { ran: true });
    const full = await run(['create', join(dir, 'one.js'), '--name', 'two', ...connection], { env });
    assert.equal([full.code, full.stderr], [8, 'ext-compilers: the server refused (403 Container demo has reached its limit of 1 webtasks: delete one to create another).\n']);
    const refused = await run(['modules', 'add', 'left-pad@2.0.0', ...connection], { env });
    assert.equal([refused.code, refused.stderr], [8, "ext-compilers: the server refused (403 The server's module policy does not allow left-pad@2.0.0: ask its admin to install it, or to allow it).\n"]);
  })());
});

test('--trust-code --sandbox worker: starts quietly, and says which sandbox it runs', () => {
  setup.ready();
  return within(30_000, (async () => {
    const { server, sandbox } = await started(['--trust-code', '--sandbox', 'worker']);
    assert.equal([sandbox, server.stderr()], ['worker', '']);
  })());
});

test('by default: the jail where this machine runs it, quietly; else the process sandbox with the two lines', () => {
  setup.ready();
  return within(30_000, (async () => {
    const { server, sandbox } = await started([]);
    const support = jailSupport();
    assert.is(sandbox, support.ok ? 'jail' : 'process');
    if (support.ok) assert.is(server.stderr(), '');
    else assert.match(server.stderr(), `ext-compilers: the jail sandbox cannot run on this machine: ${support.problem}.\n`);
  })());
});

test('--quiet: no access log; without it, one line a request', () => {
  setup.ready();
  return within(30_000, (async () => {
    for (const quiet of [true, false]) {
      const { server, url } = await started(['--trust-code', '--sandbox', 'in-process', ...(quiet ? ['--quiet'] : [])]);
      assert.is((await fetch(`${url}/api/webtask/demo`, { signal: AbortSignal.timeout(5000) })).status, 401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const logged = server.stdout().split('\n').filter((line) => line.includes(' GET /api/webtask/demo 401 '));
      assert.is(logged.length, quiet ? 0 : 1, server.stdout());
    }
  })());
});

// The lock and the stops: the in-process sandbox (--trust-code), as these are about the command.
const TRUSTED = ['--trust-code', '--sandbox', 'in-process'];
const lockOf = (directory: string): { pid: number } => JSON.parse(readFileSync(join(directory, 'server.lock'), 'utf8'));
const refusal = (pid: number | undefined, directory: string): string => `ext-compilers: another server (pid ${pid}) runs over ${directory}: stop it first, or choose another --data.\n`;

test('two starts over one data directory: the second refuses in one line naming the first one’s pid; a clean stop releases the lock', () => {
  setup.ready();
  return within(40_000, (async () => {
    const directory = dataDir();
    const { server } = await started(TRUSTED, env, directory);
    assert.is(lockOf(directory).pid, server.child.pid);
    const second = await run(['start', '--port', '0', '--data', directory, ...TRUSTED], { env });
    assert.equal([second.code, second.stdout, second.stderr], [1, '', refusal(server.child.pid, directory)]);
    assert.is(await server.stop(), 0);
    assert.is(existsSync(join(directory, 'server.lock')), false, 'the lock goes with the server');
    const { server: next } = await started(TRUSTED, env, directory);
    assert.is(await next.stop(), 0);
  })());
});

test('three starts at once over a new data directory: exactly one serves, the others name it', () => {
  setup.ready();
  return within(40_000, (async () => {
    const directory = dataDir();
    const servers = [0, 1, 2].map(() => launch(['start', '--port', '0', '--data', directory, ...TRUSTED], { env }));
    running.push(...servers);
    const serving = await Promise.all(servers.map((server) => server.waitFor(/Press Ctrl-C to stop\./, 20_000).then(() => true, () => false)));
    assert.equal(serving.filter(Boolean).length, 1, String(serving));
    const winner = servers[serving.indexOf(true)]!;
    for (const loser of servers.filter((server) => server !== winner)) {
      assert.equal([await loser.exit(), loser.stdout(), loser.stderr()], [1, '', refusal(winner.child.pid, directory)]);
    }
  })());
});

test('a lock left by a server that was killed (kill -9) is taken over by the next start', () => {
  setup.ready();
  return within(40_000, (async () => {
    const directory = dataDir();
    const { server } = await started(TRUSTED, env, directory);
    server.child.kill('SIGKILL');
    await server.exit();
    assert.is(lockOf(directory).pid, server.child.pid, 'a killed server leaves its lock');
    const { server: next } = await started(TRUSTED, env, directory);
    assert.is(lockOf(directory).pid, next.child.pid);
    assert.is(await next.stop(), 0);
  })());
});

test('SIGINT or SIGTERM: the server stops cleanly (its lock released) and exits 0', () => {
  setup.ready();
  return within(40_000, (async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const directory = dataDir();
      const { server } = await started(TRUSTED, env, directory);
      server.child.kill(signal);
      assert.equal([await server.exit(), server.stderr(), existsSync(join(directory, 'server.lock'))], [0, 'Stopping…\n', false], signal);
    }
  })());
});

test('npx ext-compilers start, Ctrl-C to its process group: the server stops cleanly; npx reports what the README says (130 where npm runs it with dash)', () => {
  setup.ready();
  return within(40_000, (async () => {
    const directory = dataDir();
    const npx = launch(['start', '--port', '0', '--data', directory, ...TRUSTED], { env: { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' }, npx: true });
    running.push(npx);
    await npx.waitFor(/Press Ctrl-C to stop\./, 30_000);
    process.kill(-npx.child.pid!, 'SIGINT');
    const code = await npx.exit();
    assert.equal([npx.stderr(), existsSync(join(directory, 'server.lock'))], ['Stopping…\n', false], 'the server stopped cleanly');
    // npm's sh gets the Ctrl-C too: bash then exits as its command did (0); dash ends by the signal,
    // and npm ends by it in turn: a shell shows 130.
    const shIsBash = spawnSync('/bin/sh', ['-c', 'echo "$BASH_VERSION"'], { encoding: 'utf8' }).stdout.trim() !== '';
    assert.equal([code, npx.child.signalCode], shIsBash ? [0, null] : [null, 'SIGINT']);
  })());
});

test('logs, when its server stops: one line saying so, exit 0; when its server dies: the stream was cut, exit 1', () => {
  setup.ready();
  return within(40_000, (async () => {
    const streaming = 'Streaming the logs of container demo (Ctrl-C to stop).\n';
    const endings: [NodeJS.Signals, number, string][] = [
      ['SIGINT', 0, 'ext-compilers: the server stopped, ending the log stream.\n'],
      ['SIGKILL', 1, 'ext-compilers: the log stream was cut (the server crashed, or the network failed): run "ext-compilers logs" again once the server runs.\n'],
    ];
    for (const [signal, exit, line] of endings) {
      const directory = dataDir();
      const { server, url } = await started(TRUSTED, env, directory);
      const token = readFileSync(join(directory, 'admin-token'), 'utf8').trim();
      const logs = launch(['logs', '--url', url, '--token', token, '--container', 'demo'], { env });
      running.push(logs);
      await logs.waitFor(/Streaming the logs/, 10_000);
      server.child.kill(signal);
      assert.equal([await logs.exit(), logs.stdout(), logs.stderr()], [exit, '', `${streaming}${line}`], signal);
    }
  })());
});

test.run();
