import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { executorCases } from './executor-cases.ts';

const test = suite('process executor');
executorCases(test, 'process');

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

// The built package, as a user runs it (no source condition, no tsx): the guest entry resolves to
// dist/, and the child runs under the permission model with nothing relaxed.
const PROBE = String.raw`
const { createServer } = require('@ext-compilers/runtime');
const code = "module.exports = function (cb) {" +
  "  const attempt = (f) => { try { f(); return 'allowed'; } catch (e) { return e.code || e.message; } };" +
  "  cb(null, {" +
  "    spawn: attempt(() => require('child_process').execFileSync(process.execPath, ['-e', '0'])), " +
  "    worker: attempt(() => new (require('worker_threads').Worker)('0', { eval: true }).terminate()), " +
  "    writeOutside: attempt(() => require('fs').writeFileSync(require('os').homedir() + '/.ext-compilers-probe', 'x')), " +
  "    read: attempt(() => require('fs').readFileSync('package.json')), " +
  "  });" +
  "};";
(async () => {
  const server = createServer(code, { sandbox: 'process', workers: 1, timeout: 5000 });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const res = await fetch('http://127.0.0.1:' + server.address().port + '/');
  const body = await res.json();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  process.stdout.write(JSON.stringify({ status: res.status, body }));
})();
`;

test('built: the child runs dist/executor-entry.cjs under the permission model (no processes, no workers, no writes outside its directory)', () => {
  if (!existsSync(`${ROOT}packages/runtime/dist/executor-entry.cjs`)) throw new Error('Run `npm run build` first; `npm test` does.');
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawnSync(process.execPath, ['--input-type=commonjs', '-e', PROBE], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
  assert.is(child.status, 0, child.stderr);
  assert.equal(JSON.parse(child.stdout), {
    status: 200,
    body: { spawn: 'ERR_ACCESS_DENIED', worker: 'ERR_ACCESS_DENIED', writeOutside: 'ERR_ACCESS_DENIED', read: 'allowed' },
  });
});

test.run();
