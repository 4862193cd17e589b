// Builds every package: clean → declarations (tsc, TypeScript 7) → JavaScript and bundled
// declarations (rollup -c) → publint on each package. Any failing step, and any publint error or
// warning, fails the build; publint suggestions are printed only. See docs/building.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
const packagesDir = join(root, 'packages');
const started = performance.now();

const packages = readdirSync(packagesDir, { withFileTypes: true })
  .filter((dirent) => dirent.isDirectory() && existsSync(join(packagesDir, dirent.name, 'package.json')))
  .map((dirent) => join(packagesDir, dirent.name));

step('clean', () => {
  rmSync(join(root, '.build'), { recursive: true, force: true });
  for (const dir of packages) rmSync(join(dir, 'dist'), { recursive: true, force: true });
});
// The real TypeScript 7 compiler, not node_modules/.bin/tsc (a TypeScript 6 shim).
step('declarations (tsc -p tsconfig.build.json)', () => run('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.build.json']));
step('bundle (rollup -c)', () => run('node_modules/rollup/dist/bin/rollup', ['-c', 'rollup.config.mjs', '--silent']));
await lint();
console.log(`build: done in ${seconds(started)}`);

function step(title, action) {
  const start = performance.now();
  action();
  console.log(`build: ${title} (${seconds(start)})`);
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) fail(`${relative(root, script)} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

async function lint() {
  const start = performance.now();
  const results = await Promise.all(
    packages.map(async (pkgDir) => ({ pkgDir, ...(await publint({ pkgDir, level: 'suggestion', pack: 'npm' })) })),
  );
  let blocking = 0;
  for (const { pkgDir, messages, pkg } of results) {
    const name = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).name;
    if (messages.length === 0) {
      console.log(`publint ${name}: no issues`);
      continue;
    }
    for (const message of messages) {
      if (message.type !== 'suggestion') blocking++;
      console.log(`publint ${name}: ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
    }
  }
  if (blocking > 0) fail(`publint found ${blocking} error(s) or warning(s)`);
  console.log(`build: publint (${seconds(start)})`);
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(2)}s`;
}

function fail(message) {
  console.error(`build failed: ${message}`);
  process.exit(1);
}
