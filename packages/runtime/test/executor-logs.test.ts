// createExecutor({ onLog }): every console line of user code, and the pipeline's reports, arrive
// attributed to their webtask and request — synchronous or from a timer, in every sandbox — and
// nothing else is captured or printed twice.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createExecutor, createJobWebtask, type Executor, type JobRequest, type LogEntry, type Sandbox } from '@ext-compilers/runtime';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const logger = { info() {}, warn() {}, error() {} };
const get = (id?: string): JobRequest => ({ id, method: 'GET', url: '/', headers: { host: 'localhost' }, body: undefined });
const json = (body: Buffer): any => JSON.parse(body.toString());

const CHATTY = `module.exports = (ctx, cb) => {
  console.log('%s says %d', ctx.meta.name, 1, { n: 2 });
  console.info('info'); console.debug('debug'); console.warn('warn'); console.error('error');
  cb(null, { id: ctx.id });
};`;
const LATE = `module.exports = (ctx, cb) => { setTimeout(() => console.log('late', ctx.id), 30); cb(null, { id: ctx.id }); };`;
const SILENT = 'module.exports = (ctx, cb) => {};';
const THROWS = `module.exports = (ctx, cb) => { throw new RangeError('boom'); };`;
const LONG = `module.exports = (ctx, cb) => { console.log('x'.repeat(10000)); cb(); };`;

/** The entries without their times, once every time has been checked to be ISO 8601. */
function plain(entries: LogEntry[]): Omit<LogEntry, 'time'>[] {
  return entries.map(({ time, ...rest }) => {
    assert.match(time, ISO);
    return rest;
  });
}

/** Wait until `entries` holds `count` of `webtask`'s, for at most 5 s. */
async function settled(entries: LogEntry[], webtask: string, count: number): Promise<LogEntry[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const found = entries.filter((entry) => entry.webtask === webtask);
    if (found.length >= count || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const request = { method: 'GET', url: '/', headers: {}, body: undefined };

for (const sandbox of ['in-process', 'worker', 'process', 'jail'] as Sandbox[]) {
  const test = suite(`createExecutor ${sandbox} onLog`);
  const entries: LogEntry[] = [];
  // Each finished request adds one timing entry; the console lines are checked apart from them.
  const timings: LogEntry[] = [];
  let executor: Executor;
  test.before(() => void (executor = createExecutor({ sandbox, size: 1, timeout: 5000, logger, onLog: (entry) => void (entry.timing ? timings.push(entry) : entries.push(entry)) })));
  test.after(() => executor.close());

  test('synchronous lines of two webtasks, with their levels and request ids', async () => {
    const a = createJobWebtask(`a-${sandbox}`, CHATTY, { meta: { name: 'a' } });
    const b = createJobWebtask(`b-${sandbox}`, CHATTY, { meta: { name: 'b' } });
    const [ra, rb] = await Promise.all([executor.run({ webtask: a, request: get('req-a') }), executor.run({ webtask: b, request: get() })]);
    assert.is(json(ra.body).id, 'req-a');
    const generated = json(rb.body).id;
    assert.match(generated, /^\d+\.\d{5}$/);
    const lines = (webtask: string, requestId: string, name: string) => [
      { level: 'info', webtask, requestId, message: `${name} says 1 { n: 2 }` },
      { level: 'info', webtask, requestId, message: 'info' },
      { level: 'info', webtask, requestId, message: 'debug' },
      { level: 'warn', webtask, requestId, message: 'warn' },
      { level: 'error', webtask, requestId, message: 'error' },
    ];
    assert.equal(plain(await settled(entries, a.id, 5)), lines(a.id, 'req-a', 'a'));
    assert.equal(plain(await settled(entries, b.id, 5)), lines(b.id, generated, 'b'));
  });

  test('a line from a timer after the answer keeps its webtask and request', async () => {
    const webtask = createJobWebtask(`late-${sandbox}`, LATE);
    const result = await executor.run({ webtask, request: get('req-late') });
    assert.is(json(result.body).id, 'req-late');
    assert.equal(plain(await settled(entries, webtask.id, 1)), [{ level: 'info', webtask: webtask.id, requestId: 'req-late', message: 'late req-late' }]);
  });

  test('each finished request adds one timing entry: compile on the first request of a webtask, 0 after', async () => {
    const webtask = createJobWebtask(`timed-${sandbox}`, 'module.exports = (cb) => cb(null, 1);', { serverTiming: true });
    const first = await executor.run({ webtask, request: { ...request, id: 'req-t1' } });
    const second = await executor.run({ webtask, request: { ...request, id: 'req-t2' } });
    const mine = () => timings.filter((entry) => entry.webtask === webtask.id);
    for (let i = 0; i < 100 && mine().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const [one, two] = mine();
    assert.equal([one?.requestId, two?.requestId, one?.level], ['req-t1', 'req-t2', 'info']);
    assert.ok(one!.timing!.compile > 0 && two!.timing!.compile === 0, JSON.stringify([one?.timing, two?.timing]));
    assert.ok(two!.timing!.user >= 0 && two!.timing!.modules === 0);
    assert.match(one!.message, /^Request req-t1 done: compile \d+\.\d\d ms, module load 0\.00 ms, user code \d+\.\d\d ms$/);
    assert.match(String(first.headers['server-timing']), /^compile;dur=\d+\.\d{3};desc="compile", modules;dur=0\.000;desc="module load", user;dur=\d+\.\d{3};desc="user code"$/);
    assert.equal([first.timing?.compile === one!.timing!.compile, second.requestId], [true, 'req-t2']);
  });

  test("the pipeline's timeout and synchronous-throw reports are error entries", async () => {
    const silent = createJobWebtask(`silent-${sandbox}`, SILENT, { timeout: 100 });
    assert.is((await executor.run({ webtask: silent, request: get('req-silent') })).statusCode, 504);
    assert.equal(plain(await settled(entries, silent.id, 1)), [{ level: 'error', webtask: silent.id, requestId: 'req-silent', message: 'Webtask timed out after 100 ms' }]);
    const throws = createJobWebtask(`throws-${sandbox}`, THROWS);
    assert.is((await executor.run({ webtask: throws, request: get('req-throws') })).statusCode, 500);
    const [report] = await settled(entries, throws.id, 1);
    assert.is(report?.level, 'error');
    assert.is(report?.requestId, 'req-throws');
    assert.match(report?.message ?? '', /^Webtask threw synchronously: RangeError: boom\n/);
  });

  test('a long line is cut to 8192 characters', async () => {
    const webtask = createJobWebtask(`long-${sandbox}`, LONG);
    await executor.run({ webtask, request: get() });
    const [entry] = await settled(entries, webtask.id, 1);
    assert.is(entry?.message, `${'x'.repeat(8191)}…`);
  });

  test.run();
}

const inProcess = suite('createExecutor in-process onLog and the console');
const original = console.log;
let printed: unknown[][] = [];
inProcess.before.each(() => {
  printed = [];
  console.log = (...args: unknown[]) => void printed.push(args);
});
inProcess.after.each(() => {
  console.log = original;
});

inProcess('a line outside any job goes to the console, and close() restores it', async () => {
  const recorder = console.log;
  const entries: LogEntry[] = [];
  const executor = createExecutor({ onLog: (entry) => void (entry.timing || entries.push(entry)) });
  assert.is.not(console.log, recorder);
  console.log('outside', 1);
  await executor.run({ webtask: createJobWebtask('inside', CHATTY, { meta: { name: 'in' } }), request: get() });
  assert.equal(printed, [['outside', 1]]);
  assert.is(entries.length, 5);
  await executor.close();
  assert.is(console.log, recorder);
});

inProcess('two executors get their own lines; the console is restored after the last closes', async () => {
  const recorder = console.log;
  const first: LogEntry[] = [];
  const second: LogEntry[] = [];
  const one = createExecutor({ onLog: (entry) => void (entry.timing || first.push(entry)) });
  const two = createExecutor({ onLog: (entry) => void (entry.timing || second.push(entry)) });
  await Promise.all([one.run({ webtask: createJobWebtask('one', LATE), request: get('1') }), two.run({ webtask: createJobWebtask('two', LATE), request: get('2') })]);
  await settled(first, 'one', 1);
  await settled(second, 'two', 1);
  assert.equal(plain(first), [{ level: 'info', webtask: 'one', requestId: '1', message: 'late 1' }]);
  assert.equal(plain(second), [{ level: 'info', webtask: 'two', requestId: '2', message: 'late 2' }]);
  await one.close();
  await one.close();
  assert.is.not(console.log, recorder);
  await two.close();
  assert.is(console.log, recorder);
});

inProcess('an onLog that logs to the console does not feed itself', async () => {
  const entries: LogEntry[] = [];
  const executor = createExecutor({
    onLog: (entry) => {
      if (entry.timing) return;
      entries.push(entry);
      console.log('seen:', entry.message);
    },
  });
  await executor.run({ webtask: createJobWebtask('echo', `module.exports = (cb) => { console.log('hi'); cb(); };`), request: get() });
  await executor.close();
  assert.is(entries.length, 1);
  assert.equal(printed, [['seen:', 'hi']]);
});

inProcess('without onLog the console is left alone', async () => {
  const recorder = console.log;
  const executor = createExecutor({ logger });
  assert.is(console.log, recorder);
  await executor.run({ webtask: createJobWebtask('plain', `module.exports = (cb) => { console.log('plain'); cb(); };`), request: get() });
  await executor.close();
  assert.equal(printed, [['plain']]);
});

inProcess('logWanted: a job nobody wants runs unattributed and adds no timing entry', async () => {
  for (const sandbox of ['in-process', 'worker'] as Sandbox[]) {
    const entries: LogEntry[] = [];
    const executor = createExecutor({ sandbox, size: 1, onLog: (entry) => void entries.push(entry), logWanted: (webtask) => webtask.id === 'wanted' });
    const code = "module.exports = (cb) => { console.log('hello'); cb(); };";
    await executor.run({ webtask: createJobWebtask('unwanted', code), request: get() });
    await executor.run({ webtask: createJobWebtask('wanted', code), request: get() });
    for (let i = 0; i < 100 && entries.filter((entry) => entry.webtask === 'wanted').length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await executor.close();
    assert.equal(entries.filter((entry) => entry.webtask === 'unwanted'), [], sandbox);
    assert.equal(entries.filter((entry) => entry.webtask === 'wanted').map((entry) => [entry.message, Boolean(entry.timing)]).sort(), [['hello', false], [entries.find((e) => e.timing)?.message, true]].sort(), sandbox);
  }
});

inProcess.run();

// A guest's console lines reach the host's stdout on their own (a worker's stdout is the host's,
// a child inherits it): a separate process shows whether a captured line is also printed. The
// script is a file, not \`-e\`: a child guest started from source gets its host's flags.
const SCRIPT = `
import { createExecutor, createJobWebtask } from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
const request = { method: 'GET', url: '/', headers: {}, body: undefined };
for (const sandbox of ['worker', 'process']) {
  const code = "module.exports = (cb) => { console.log('line from ' + process.env.SANDBOX_NAME); console.error('error line'); cb(); };";
  const captured = createExecutor({ sandbox, size: 1, onLog: (entry) => void (entry.timing || process.stdout.write(JSON.stringify({ sandbox, level: entry.level, message: entry.message }) + '\\n')) });
  await captured.run({ webtask: createJobWebtask('captured', code), request });
  await captured.close();
  const printing = createExecutor({ sandbox, size: 1 });
  await printing.run({ webtask: createJobWebtask('printing', code), request });
  await printing.close();
}
`;

const guests = suite('createExecutor guests with onLog print nothing');

guests('captured lines of workers and children are not printed by the host', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'executor-logs-'));
  const script = join(dir, 'host.mjs');
  writeFileSync(script, SCRIPT);
  const child = spawn(process.execPath, ['--conditions=@ext-compilers/source', '--import', 'tsx', script], {
    env: { ...process.env, SANDBOX_NAME: 'guest' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  rmSync(dir, { recursive: true, force: true });
  assert.is(code, 0, stderr);
  const lines = stdout.split('\n').filter((line) => line !== '');
  assert.equal(lines, [
    JSON.stringify({ sandbox: 'worker', level: 'info', message: 'line from guest' }),
    JSON.stringify({ sandbox: 'worker', level: 'error', message: 'error line' }),
    // Without onLog the host prints what its guests log, once.
    'line from guest',
    // A child gets nothing of the host's environment (a worker's process.env is the host's copy).
    JSON.stringify({ sandbox: 'process', level: 'info', message: 'line from undefined' }),
    JSON.stringify({ sandbox: 'process', level: 'error', message: 'error line' }),
    'line from undefined',
  ]);
  assert.is(stderr.match(/error line/g)?.length, 2);
});

guests.run();
