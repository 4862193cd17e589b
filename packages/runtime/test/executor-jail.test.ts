// The jail sandbox, tried as a hostile tenant would: each test is one class of attack from issue
// 14, run by a webtask in a jailed guest, with the host's view checked where the guest's own word
// proves nothing. The last suite shows, for one of them, the same attack succeeding in the
// `process` sandbox.
import { execFile } from 'node:child_process';
import { packFixtures } from '../../modules/test/helpers/pack.ts';
import { npmEnv, startRegistry } from '../../modules/test/helpers/registry.ts';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExecutor, createJobWebtask, type Executor, type ExecutorOptions, type JobRequest, type JobResult, type Sandbox } from '@ext-compilers/runtime';

const logger = { info() {}, warn() {}, error() {} };
const get = (url = '/'): JobRequest => ({ method: 'GET', url, headers: { host: 'localhost' }, body: undefined });
const json = (result: JobResult): any => JSON.parse(result.body.toString());
let serial = 0;

/** Run `code` (a webtask body: `module.exports = …`) once in `container`; its answer. */
function run(executor: Executor, code: string, container = 'mallory', url = '/'): Promise<JobResult> {
  return executor.run({ webtask: createJobWebtask(`w${serial++}`, code, { container, timeout: 5000 }), request: get(url) });
}

/** A webtask that answers what `probe` (a function body returning a value) gives, or the error's code. */
const probing = (probe: string): string => `
module.exports = async (ctx, cb) => {
  try { cb(null, { value: await (async () => { ${probe} })() }); }
  catch (error) { cb(null, { error: error.code || (error.cause && error.cause.code) || error.message }); }
};`;

/** The processes on this host under this one (by name and uid): the guests, seen from outside. */
function descendants(): { name: string; uid: number }[] {
  const processes = new Map<number, { ppid: number; uid: number; name: string; spawner: boolean }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      // The spawner of jailed guests is the server's own helper, holding no user code: walked through, not listed.
      const spawner = readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('ext-compilers-spawner');
      // Not a zombie (nothing left of it but its exit status), not tsx's esbuild service of this test process.
      if (/State:\s+Z/.test(status) || /Name:\s+esbuild/.test(status)) continue;
      processes.set(Number(entry), { ppid: Number(/PPid:\s+(\d+)/.exec(status)![1]), uid: Number(/Uid:\s+(\d+)/.exec(status)![1]), name: /Name:\s+(\S+)/.exec(status)![1]!, spawner });
    } catch {
      // Gone meanwhile.
    }
  }
  const found: { name: string; uid: number }[] = [];
  for (const [pid, { uid, name, spawner }] of processes) {
    if (spawner) continue;
    for (let up = processes.get(pid)?.ppid; up !== undefined && up > 1; up = processes.get(up)?.ppid) {
      if (up === process.pid) {
        found.push({ name, uid });
        break;
      }
    }
  }
  return found;
}

/** A process of a guest that runs Node (called `node`, or `MainThread` on Node 24), not the jail's own tools. */
const runsCode = (one: { name: string }): boolean => !['bwrap', 'prlimit', 'setpriv'].includes(one.name);

function jail(options: ExecutorOptions = {}): Executor {
  return createExecutor({ sandbox: 'jail', size: 4, timeout: 5000, logger, ...options });
}

const host = suite('jail: the host stays out of reach');
let executor: Executor;
let secretDir: string;
host.before(() => {
  executor = jail();
  secretDir = mkdtempSync(join(tmpdir(), 'jail-secret-'));
  writeFileSync(join(secretDir, 'admin-token'), 'ecadm_secret');
  process.env.JAIL_TEST_SECRET = 'host-environment-secret';
});
host.after(async () => {
  await executor.close();
  rmSync(secretDir, { recursive: true, force: true });
  delete process.env.JAIL_TEST_SECRET;
});

host('no file of the host is visible but Node, its libraries and the runtime', async () => {
  const answer = json(await run(executor, probing(`return require('fs').readFileSync(${JSON.stringify(join(secretDir, 'admin-token'))}, 'utf8');`)));
  assert.is(answer.error, 'ENOENT');
  // At the top, only the jail's own mounts and the first directories of what is bound (Node, the runtime).
  const bound = new Set(['dev', 'proc', 'tmp', 'run', 'lib', 'lib64', 'usr', realpathSync(process.execPath).split('/')[1], process.execPath.split('/')[1], new URL('.', import.meta.url).pathname.split('/')[1]]);
  const root = json(await run(executor, probing(`return require('fs').readdirSync('/');`)));
  assert.ok(root.value.every((name: string) => bound.has(name)), root.value.join(' '));
  const etc = json(await run(executor, probing(`return require('fs').readFileSync('/etc/passwd', 'utf8');`)));
  assert.is(etc.error, 'ENOENT');
});

host('the environment holds nothing of the server', async () => {
  const answer = json(await run(executor, probing('return process.env;')));
  assert.is(answer.value.JAIL_TEST_SECRET, undefined);
  assert.ok(Object.keys(answer.value).length <= 4, Object.keys(answer.value).join(' '));
});

host('the server process is invisible: its /proc, its memory, signals and the inspector', async () => {
  const answer = json(await run(executor, probing(`
    const fs = require('fs');
    const pids = fs.readdirSync('/proc').filter((name) => /^\\d+$/.test(name)).map(Number);
    let signalled;
    try { process.kill(${process.pid}, 'SIGUSR1'); signalled = 'sent'; } catch (error) { signalled = error.code; }
    let environ;
    try { environ = fs.readFileSync('/proc/${process.pid}/environ', 'utf8'); } catch (error) { environ = error.code; }
    return { pids, signalled, environ, uid: process.getuid() };`)));
  assert.ok(Math.max(...answer.value.pids) < 50, `pids seen: ${answer.value.pids.join(' ')}`);
  assert.is(answer.value.signalled, 'ESRCH');
  assert.is(answer.value.environ, 'ENOENT');
  assert.is.not(answer.value.uid, 0);
});

host('seen from the host, a guest runs under a uid of its own, neither root nor the server', async () => {
  const answers = run(executor, `module.exports = (cb) => setTimeout(() => cb(null, 'ok'), 400);`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const guests = descendants().filter(runsCode);
  await answers;
  const own = process.getuid!();
  assert.ok(guests.length > 0);
  // As root, the guest's Node runs as 100000 + n (bubblewrap's outer supervisor stays root, out of
  // the guest's reach); a server that is not root can give its guests no other uid than its own
  // (mapped to 1000 inside).
  const uids = guests.map((one) => one.uid);
  if (own === 0) assert.ok(uids.every((uid) => uid >= 100_000), `uids: ${uids.join(' ')}`);
  else assert.ok(uids.every((uid) => uid === own), `uids: ${uids.join(' ')}`);
});

host('no network: a server on the host loopback is unreachable', async () => {
  let connections = 0;
  const server = createHttpServer((_req, res) => res.end('reached'));
  server.on('connection', () => void connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const answer = json(await run(executor, probing(`return await new Promise((resolve, reject) => require('net').connect({ port: ${port}, host: '127.0.0.1', lookup: undefined }, () => resolve('connected')).once('error', reject));`)));
    assert.ok(answer.error, JSON.stringify(answer));
    assert.is(connections, 0);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

host('the runtime and the module store are read-only; /tmp is private and capped', async () => {
  const runtime = new URL('../src/index.ts', import.meta.url).pathname;
  const write = json(await run(executor, probing(`require('fs').writeFileSync(${JSON.stringify(runtime)}, 'owned'); return 'wrote';`)));
  assert.is(write.error, 'EROFS');
  const tmp = json(await run(executor, probing(`require('fs').writeFileSync('/tmp/big', Buffer.alloc(64 * 1024 * 1024)); return 'wrote';`)));
  assert.is(tmp.error, 'ENOSPC');
});

host('the limits of a guest: address space, open files and (as root) processes', async () => {
  const answer = json(await run(executor, probing(`return require('fs').readFileSync('/proc/self/limits', 'utf8');`)));
  const limit = (name: string) => new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(answer.value)?.[1];
  assert.is(limit('Max open files'), '1024');
  // Twice the 128 MB heap plus 1.5 GiB, and 2 GiB more from TypeScript source (as the tests run).
  assert.is(limit('Max address space'), String((2 * 128 + 1536 + 2048) * 1024 * 1024));
  if (process.getuid!() === 0) assert.is(limit('Max processes'), '64');
});

host('memory is capped as a whole: off-heap Buffers stop short of gigabytes, and the executor goes on', async () => {
  const answer = await run(executor, probing(`const held = []; for (let i = 0; i < 16; i++) held.push(Buffer.alloc(256 * 1024 * 1024, 1)); return held.length;`));
  assert.ok(answer.statusCode === 500 || json(answer).error !== undefined, answer.body.toString());
  assert.is(json(await run(executor, probing('return 1;'))).value, 1);
});

host.run();

// Alone, so that no other executor's guests are alive: every process under this one is its guest's.
const processes = suite('jail: no process outlives its guest');

processes('a detached process started by a webtask ends with its guest', async () => {
  const code = probing(`const child = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' }); child.unref(); return child.pid;`);
  const local = jail({ size: 2 });
  const answer = json(await run(local, code));
  assert.ok(Number.isInteger(answer.value), JSON.stringify(answer));
  // The guest and the process it started, each Node.
  assert.ok(descendants().filter(runsCode).length >= 2, JSON.stringify(descendants()));
  await local.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(descendants(), []);
});

processes.run();

// User code can write on the guest's channel too (frames on a socket: a 4-byte length, the JSON
// text's 4-byte length, the text), and read what the host sends by patching EventEmitter#emit: a forger.
const FORGER = `
const forge = (message) => {
  const fs = require('fs');
  const text = Buffer.from(JSON.stringify(message));
  const payload = Buffer.concat([Buffer.alloc(4), text]);
  payload.writeUInt32BE(text.length);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  // The channel is one of the guest's sockets: the frame goes to each.
  for (const fd of fs.readdirSync('/proc/self/fd').filter((fd) => Number(fd) > 2)) {
    let target = '';
    try { target = fs.readlinkSync('/proc/self/fd/' + fd); } catch {}
    if (target.startsWith('socket:')) try { fs.writeSync(Number(fd), Buffer.concat([header, payload])); } catch {}
  }
};
const listen = () => {
  const deserialize = (bytes) => JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32BE(0)).toString());
  const events = require('events').EventEmitter.prototype;
  const emit = events.emit;
  events.emit = function (name, chunk) {
    if (name === 'data' && Buffer.isBuffer(chunk) && chunk.length > 4) {
      try { const m = deserialize(chunk.subarray(4, 4 + chunk.readUInt32BE(0))); const one = Array.isArray(m) ? m[0] : m; if (one && one.type === 'run') globalThis.jobId = one.id; } catch {}
    }
    return emit.apply(this, arguments);
  };
};
`;

/** Run a TypeScript `file` in a Node process of its own (the sources, through tsx): its stdout and stderr. */
function runFile(file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    args = ['--no-warnings', '--conditions=@ext-compilers/source', '--import', 'tsx', file, ...args];
    execFile(process.execPath, args, { timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr })));
  });
}

const tenants = suite('jail: one tenant never reaches another');
let shared: Executor;
tenants.before(() => void (shared = jail({ size: 2, containerGuests: 1 })));
tenants.after(() => shared.close());

tenants('code left behind by one container never runs in another container\'s guest', async () => {
  const plant = `module.exports = (cb) => { const parse = JSON.parse; JSON.parse = (text) => { globalThis.stolen = text; return parse(text); }; globalThis.planted = process.pid; cb(null, process.pid); };`;
  const mallory = json(await run(shared, plant, 'mallory'));
  const read = `module.exports = (ctx, cb) => { JSON.parse('{"secret":"alice"}'); cb(null, { planted: globalThis.planted, stolen: globalThis.stolen, secret: ctx.secrets.s }); };`;
  const alice = await shared.run({ webtask: createJobWebtask('alice-1', read, { container: 'alice', secrets: { s: 'alice-secret' } }), request: get() });
  assert.equal(json(alice), { secret: 'alice-secret' });
  // Mallory's own guest still holds what it planted: the guests are two, one per container.
  const again = json(await run(shared, `module.exports = (cb) => cb(null, globalThis.planted);`, 'mallory'));
  assert.is(again, mallory);
});

tenants("a full pool stops the least recently used idle guest of another container to make room", async () => {
  const local = jail({ size: 2, containerGuests: 1 });
  const counter = `let runs = 0; module.exports = (cb) => cb(null, ++runs);`;
  const webtasks = Object.fromEntries(['a', 'b', 'c'].map((name) => [name, createJobWebtask(`count-${name}`, counter, { container: name })]));
  const count = async (name: string) => json(await local.run({ webtask: webtasks[name]!, request: get() }));
  try {
    assert.equal([await count('a'), await count('b')], [1, 1]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.is(await count('c'), 1); // a's guest, the least recently used, made room
    assert.is(await count('b'), 2); // b's guest lived on
    assert.is(await count('a'), 1); // a new guest for a (c's, now the least recently used, made room)
  } finally {
    await local.close();
  }
});

tenants('a line a guest sends in another job\'s name is attributed to its own job', async () => {
  const entries: { webtask: string | undefined; message: string }[] = [];
  const local = jail({ size: 2, onLog: (entry) => void (entry.timing || entries.push({ webtask: entry.webtask, message: entry.message })) });
  try {
    const forge = `${FORGER}\nmodule.exports = (cb) => { forge({ type: 'log', level: 'error', text: 'forged', webtask: 'alice-webtask', requestId: 'r1', time: 'x' }); setTimeout(() => cb(null, 'ok'), 20); };`;
    const webtask = createJobWebtask('mallory-forger', forge, { container: 'mallory' });
    await local.run({ webtask, request: get() });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const forged = entries.find((entry) => entry.message === 'forged');
    assert.is(forged?.webtask, 'mallory-forger');
  } finally {
    await local.close();
  }
});

tenants('a malformed answer costs its guest, never the host: bad status, CR/LF in a header, a null body', async () => {
  for (const answer of [
    `{ type: 'result', id, statusCode: 1234, headers: {}, body: 'x' }`,
    `{ type: 'result', id, statusCode: 200, headers: { 'set-cookie': 'a=b\\r\\nX-Injected: 1' }, body: 'x' }`,
    `{ type: 'result', id, statusCode: 200, headers: {}, body: null }`,
    `{ type: 'released', id }`,
  ]) {
    // A first job listens to the host's messages; the second one learns its job id from them and
    // answers for the runtime, before it, with a forged result.
    const code = `${FORGER}
      module.exports = (cb) => {
        if (!globalThis.listening) {
          globalThis.listening = true;
          listen();
          return cb(null, 'listening');
        }
        setTimeout(() => { const id = globalThis.jobId; forge(${answer}); setTimeout(() => cb(null, 'late'), 50); }, 10);
      };`;
    const webtask = createJobWebtask(`forger-${serial++}`, code, { container: 'forger' });
    assert.is(json(await shared.run({ webtask, request: get() })), 'listening');
    const forged = await shared.run({ webtask, request: get() });
    assert.is(forged.statusCode, 502, forged.body.toString());
    assert.match(forged.body.toString(), /malformed/);
  }
  assert.is(json(await run(shared, probing('return 2;'), 'alice')).value, 2);
});

tenants("a container's slow jobs never wait behind one busy guest while another of its guests is free", async () => {
  const local = jail({ size: 4, containerGuests: 2 });
  try {
    const slow = createJobWebtask('slow', `module.exports = (cb) => setTimeout(() => cb(null, 'slow'), 1500);`, { container: 'patient' });
    const began = performance.now();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => local.run({ webtask: slow, request: get() })));
    const took = performance.now() - began;
    assert.equal(answers.map(json), ['slow', 'slow', 'slow', 'slow', 'slow']);
    // Two guests, started for the first jobs: three rounds of 1.5 s (plus a start), never five (7.5 s).
    assert.ok(took < 6000, `five 1.5 s jobs on two guests took ${took.toFixed(0)} ms`);
  } finally {
    await local.close();
  }
});

tenants("what a guest writes to its stdout or stderr never reaches the server's (jail and process)", async () => {
  for (const sandbox of ['jail', 'process']) {
    // The host in a process of its own, so that its stdout and stderr can be read.
    const { stdout, stderr } = await runFile(new URL('./fixtures/stdio-writer.ts', import.meta.url).pathname, [sandbox]);
    assert.match(stdout, /ANSWER 200 "wrote"/, stdout + stderr);
    assert.not.match(stdout + stderr, /FORGED/);
  }
});

tenants('an answer over maxResponseSize is refused with 502', async () => {
  const local = jail({ size: 2, maxResponseSize: 1024 });
  try {
    const result = await run(local, `module.exports = (ctx, req, res) => res.end('x'.repeat(4096));`);
    assert.is(result.statusCode, 502);
    assert.match(result.body.toString(), /limit of 1024 bytes/);
  } finally {
    await local.close();
  }
});

tenants('a container over its queue is answered 429 with Retry-After; another container is served', async () => {
  const local = jail({ size: 2, containerGuests: 1, containerQueue: 2, prefetch: 0 });
  try {
    const slow = createJobWebtask('slow', `module.exports = (cb) => setTimeout(() => cb(null, 'done'), 300);`, { container: 'busy' });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => local.run({ webtask: slow, request: get() })));
    const refused = results.filter((result) => result.statusCode === 429);
    assert.ok(refused.length >= 1, results.map((result) => result.statusCode).join(' '));
    assert.is(refused[0]!.headers['retry-after'], '1');
    assert.is(json(await run(local, probing('return 3;'), 'calm')).value, 3);
  } finally {
    await local.close();
  }
});

tenants.run();

const egress = suite('jail: the way out is the host\'s gate');

egress('fetch and http.get reach a loopback server only when --allow-egress admits it; refused ones never connect', async () => {
  let connections = 0;
  const server = createHttpServer((req, res) => res.end(`hello ${req.url}`));
  server.on('connection', () => void connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const reports: { container: string; refused?: string | undefined; received: number }[] = [];
  const code = probing(`
    const viaFetch = await (await fetch('http://127.0.0.1:${port}/fetch')).text();
    const viaHttp = await new Promise((resolve, reject) => require('http').get('http://127.0.0.1:${port}/http', (res) => { let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => resolve(text)); }).on('error', reject));
    return [viaFetch, viaHttp];`);
  const allowed = jail({ size: 2, allowEgress: [`127.0.0.1:${port}`], onEgress: (report) => void reports.push(report) });
  const closed = jail({ size: 2, onEgress: (report) => void reports.push(report) });
  try {
    assert.equal(json(await run(allowed, code, 'caller')), { value: ['hello /fetch', 'hello /http'] });
    assert.is(connections, 2);
    const refused = json(await run(closed, code, 'blocked'));
    assert.is(refused.error, 'ECONNREFUSED');
    assert.is(connections, 2);
    await allowed.close();
    await closed.close();
    assert.ok(reports.some((report) => report.container === 'caller' && report.received > 0), JSON.stringify(reports));
    assert.ok(reports.some((report) => report.container === 'blocked' && /loopback/.test(report.refused ?? '')), JSON.stringify(reports));
  } finally {
    await allowed.close();
    await closed.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

egress.run();

const modules = suite("jail: 'use npm' modules");

modules("the host installs what a webtask requires; the guest loads it from the store, read-only", async () => {
  const root = mkdtempSync(join(tmpdir(), 'jail-modules-'));
  chmodSync(root, 0o755);
  // npm installs from a registry served here on 127.0.0.1 (the modules package's fixture packages).
  mkdirSync(join(root, '.packed'));
  const registry = await startRegistry(await packFixtures(join(root, '.packed')));
  const saved = { ...process.env };
  Object.assign(process.env, npmEnv(join(root, '.npm')), { npm_config_registry: registry.url });
  const local = jail({ size: 2, timeout: 120_000 });
  try {
    const code = `'use npm';\nconst base = require('fx-base@2.0.0');\nmodule.exports = (cb) => { let write; try { require('fs').writeFileSync(${JSON.stringify(join(root, 'fx-base', 'owned'))}, '1'); write = 'wrote'; } catch (error) { write = error.code; } cb(null, { version: base.version, write }); };`;
    const webtask = createJobWebtask('npm', code, { container: 'npm', modulesRoot: root, timeout: 120_000 });
    const result = await local.run({ webtask, request: get() });
    assert.equal(json(result), { version: '2.0.0', write: 'EROFS' });
  } finally {
    await local.close();
    process.env = saved;
    await registry.close();
    rmSync(root, { recursive: true, force: true });
  }
});

modules.run();

const contrast = suite('the process sandbox, for contrast: what the jail prevents');

contrast('a process guest sees the host\'s files', async () => {
  const local = createExecutor({ sandbox: 'process' as Sandbox, size: 1, logger });
  try {
    const answer = json(await run(local, probing(`return require('fs').readdirSync('/').includes('proc');`)));
    assert.is(answer.value, true);
  } finally {
    await local.close();
  }
});

contrast.run();
