// Runs every uvu test file (packages/*/test/*.test.ts and test/**/*.test.ts) in one process, with
// TypeScript through tsx and sibling packages resolved to their source, then ends with the line
// `N passed, N failed` that CI and the README promise. Exit code: non-zero on any failure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pattern = process.argv[2] ?? '^(packages/[^/]+/)?test/.*\\.test\\.ts$';
// CI runs the suite on more than one Node (.ci/run): the log says which one ran the tests.
console.log(`tests: node ${process.version} (${process.execPath})`);
const child = spawn(
  process.execPath,
  ['--conditions=@ext-compilers/source', '--import', 'tsx', 'node_modules/uvu/bin.js', '.', pattern, '-i', 'node_modules', '-i', 'dist'],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
let output = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  output += chunk;
});
child.on('close', (code) => {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? Number.NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? Number.NaN);
  if (Number.isNaN(total) || Number.isNaN(passed)) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const failed = total - passed + (code !== 0 && total === passed ? 1 : 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || code !== 0 ? 1 : 0);
});
