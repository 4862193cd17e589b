// `npm run bench` keeps every committed record: each run writes a new dated file through
// bench/report.ts's writeResults, never over `bench/results/<name>.json` nor an earlier run's file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, writeResults } from '../bench/report.ts';

const BENCH = fileURLToPath(new URL('../bench/', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'bench-results-'));
test.after(() => rmSync(directory, { recursive: true, force: true }));

test('runs, even in one millisecond, each write a new dated file; the committed record stays as it was', () => {
  const record = '{ "committed": true }\n';
  writeFileSync(join(directory, 'compilers.json'), record);
  const machine = describeMachine();
  const files = [1, 2, 3].map((seconds) => writeResults('compilers', machine, seconds, { run: seconds }, { directory }));
  assert.is(new Set(files).size, 3);
  for (const file of files) assert.match(basename(file), /^compilers-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?\.json$/);
  assert.equal(files.map((file) => JSON.parse(readFileSync(file, 'utf8')).run), [1, 2, 3]);
  assert.is(readFileSync(join(directory, 'compilers.json'), 'utf8'), record);
  assert.equal(readdirSync(directory).sort(), ['compilers.json', ...files.map((file) => basename(file))].sort());
});

test('no benchmark writes into bench/results but through writeResults', () => {
  for (const file of readdirSync(BENCH).filter((name) => name.endsWith('.ts') && name !== 'report.ts')) {
    assert.not.match(readFileSync(join(BENCH, file), 'utf8'), /results\//, file);
  }
});

test.run();
