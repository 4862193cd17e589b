import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Deadline, DeadlineList, deadlineLists } from '../src/job/deadlines.ts';

interface Entry extends Deadline {
  name: string;
}
const entry = (name: string): Entry => ({ name, due: 0, prev: undefined, next: undefined, listed: false });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('entries expire in the order they were added, each at its own deadline', async () => {
  const expired: [string, number][] = [];
  const began = performance.now();
  const list = new DeadlineList<Entry>(40, (e) => expired.push([e.name, performance.now() - began]));
  list.add(entry('a'), performance.now());
  await sleep(25);
  list.add(entry('b'), performance.now());
  await sleep(80);
  assert.equal(expired.map(([name]) => name), ['a', 'b']);
  assert.ok(expired[0]![1] >= 40, `a expired at ${expired[0]![1]} ms`);
  // b was added 25 ms later: it is due 40 ms after that, not when a was.
  assert.ok(expired[1]![1] >= 65, `b expired at ${expired[1]![1]} ms`);
});

test('a removed entry never expires, wherever it was in the list, and removing twice is harmless', async () => {
  const expired: string[] = [];
  const list = new DeadlineList<Entry>(20, (e) => expired.push(e.name));
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(entry) as [Entry, Entry, Entry, Entry];
  for (const e of [a, b, c, d]) list.add(e, performance.now());
  list.remove(b); // middle
  list.remove(a); // head
  list.remove(d); // tail
  list.remove(d);
  assert.equal([a.listed, b.listed, c.listed, d.listed], [false, false, true, false]);
  await sleep(50);
  assert.equal(expired, ['c']);
  assert.is(c.listed, false);
});

test('an entry may be added again after it expired or was removed', async () => {
  const expired: string[] = [];
  const list = new DeadlineList<Entry>(10, (e) => expired.push(e.name));
  const a = entry('a');
  list.add(a, performance.now());
  list.remove(a);
  list.add(a, performance.now());
  await sleep(30);
  list.add(a, performance.now());
  await sleep(30);
  assert.equal(expired, ['a', 'a']);
});

test('a list that empties and fills again still expires the new entries', async () => {
  const expired: string[] = [];
  const list = new DeadlineList<Entry>(30, (e) => expired.push(e.name));
  const a = entry('a');
  list.add(a, performance.now());
  list.remove(a);
  await sleep(10);
  list.add(entry('b'), performance.now());
  // The timer armed for a fires first (b is not due yet), then again for b.
  await sleep(25);
  assert.equal(expired, []);
  await sleep(60);
  assert.equal(expired, ['b']);
});

test('deadlineLists: one list per duration for one handler', () => {
  const listFor = deadlineLists<Entry>(() => {});
  assert.is(listFor(100), listFor(100));
  assert.is.not(listFor(100), listFor(200));
  assert.is(listFor(200).duration, 200);
});

// Child processes: whether the process stays alive is what is tested.
const MODULE = fileURLToPath(new URL('../src/job/deadlines.ts', import.meta.url));
const child = (body: string) =>
  spawnSync(process.execPath, ['--no-warnings', '--import', 'tsx', '--input-type=module', '-e', `import { DeadlineList } from ${JSON.stringify(MODULE)};\n${body}`], {
    encoding: 'utf8',
    timeout: 10_000,
  });

test('an empty list does not keep the process alive; a waiting entry does, until it expires', () => {
  const started = Date.now();
  const emptied = child(`const l = new DeadlineList(60000, () => {}); const e = { due: 0, listed: false }; l.add(e, performance.now()); l.remove(e);`);
  assert.is(emptied.status, 0, emptied.stderr);
  assert.ok(Date.now() - started < 5000, 'the process exited without waiting for the minute-long deadline');
  const waiting = child(`const l = new DeadlineList(300, () => console.log('expired')); l.add({ due: 0, listed: false }, performance.now());`);
  assert.is(waiting.status, 0, waiting.stderr);
  assert.is(waiting.stdout.trim(), 'expired');
});

test('a deadline past what setTimeout can take (2^31 - 1 ms) is not fired at once', () => {
  const run = child(`const l = new DeadlineList(2 ** 32, () => console.log('expired early')); const e = { due: 0, listed: false }; l.add(e, performance.now()); setTimeout(() => { l.remove(e); console.log('still waiting'); }, 100);`);
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout.trim(), 'still waiting');
  assert.not.match(run.stderr, /TimeoutOverflowWarning/);
});

test.run();
