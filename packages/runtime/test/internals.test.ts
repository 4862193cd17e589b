import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLru } from '../src/compile/cache.ts';
import { requestId } from '../src/request/id.ts';

test('createLru forgets the least recently used first, a hit on the newest key included', () => {
  const lru = createLru<number>(3);
  lru.set('a', 1);
  lru.set('b', 2);
  lru.set('c', 3);
  assert.is(lru.get('c'), 3); // the newest: nothing moves
  assert.is(lru.get('a'), 1); // a is now the newest, b the oldest
  assert.is(lru.get('a'), 1);
  lru.set('d', 4);
  assert.equal(['a', 'b', 'c', 'd'].map((key) => lru.get(key) ?? null), [1, null, 3, 4]);
  assert.is(lru.size, 3);
});

test('createLru: deleting the newest key, then hitting an older one, still moves it to the end', () => {
  const lru = createLru<number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  lru.delete('b');
  lru.set('c', 3);
  assert.is(lru.get('a'), 1); // a becomes the newest: c is the one to go
  lru.set('d', 4);
  assert.equal(['a', 'c', 'd'].map((key) => lru.get(key) ?? null), [1, null, 4]);
});

test('requestId: milliseconds, a dot, five digits (leading zeros kept), the time of the call', () => {
  const before = Date.now();
  const ids = Array.from({ length: 20000 }, () => requestId());
  const after = Date.now();
  for (const id of ids) assert.match(id, /^\d{13}\.\d{5}$/);
  const times = ids.map((id) => Number(id.split('.')[0]));
  assert.ok(times[0]! >= before && times.at(-1)! <= after);
  assert.ok(ids.some((id) => id.split('.')[1]!.startsWith('0')), 'some suffixes start with 0 (1 in 10 should)');
  assert.ok(new Set(ids.map((id) => id.split('.')[1])).size > 1000, 'the suffixes vary');
});

test.run();
