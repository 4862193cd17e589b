import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { processAlive } from '@ext-compilers/core';

test('this process, and its parent, are alive', () => {
  assert.is(processAlive(process.pid), true);
  assert.is(processAlive(process.ppid), true);
});

test('a process that has exited is not', () => {
  // A child that ran and was reaped: its pid names no process (unless reused at once, which the
  // kernel avoids by cycling through the pid space).
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  assert.is(processAlive(pid!), false);
});

test('a value that is not a positive integer names no process', () => {
  for (const pid of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.is(processAlive(pid), false, String(pid));
});

test.run();
