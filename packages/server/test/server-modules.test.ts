// 'use npm' through the server: the versions are installed (real npm, the public registry) when the
// webtask is created, into <data>/modules, and the webtask runs in a worker with them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenedServer, openServer } from '@ext-compilers/server';

let data: string;
let opened: OpenedServer;
let base: string;

test.before(async () => {
  data = mkdtempSync(join(tmpdir(), 'ext-compilers-server-npm-'));
  opened = await openServer({ data, sandbox: 'worker', workers: 2, logger: { error() {} } });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`;
});
test.after(async () => {
  await opened.close();
  rmSync(data, { recursive: true, force: true });
});

const admin = () => ({ authorization: `Bearer ${opened.adminToken}`, 'content-type': 'application/json' });

test("'use npm': installed at creation, listed, and required by version in the worker", async () => {
  const code = "'use npm';\nconst ms = require('ms@2.1.3');\nmodule.exports = (cb) => cb(null, { hour: ms('1h') });\n";
  const created = await fetch(`${base}/api/webtask/npm/ms`, { method: 'PUT', headers: admin(), body: JSON.stringify({ code }), signal: AbortSignal.timeout(120_000) });
  assert.is(created.status, 200, await created.clone().text());
  const listing = (await (await fetch(`${base}/api/env/node/modules`, { headers: admin() })).json()) as { modules: { name: string; version: string }[] };
  assert.ok(listing.modules.some((entry) => entry.name === 'ms' && entry.version === '2.1.3'), 'ms@2.1.3 is in the listing');
  const ran = await fetch(`${base}/api/run/npm/ms`, { signal: AbortSignal.timeout(20_000) });
  assert.equal(await ran.json(), { hour: 3_600_000 });
});

test('a version that does not exist: the create is refused with the reason', async () => {
  const code = "'use npm';\nrequire('ms@999.0.0');\nmodule.exports = (cb) => cb();\n";
  const created = await fetch(`${base}/api/webtask/npm/bad`, { method: 'PUT', headers: admin(), body: JSON.stringify({ code }), signal: AbortSignal.timeout(120_000) });
  assert.is(created.status, 400);
  assert.match(((await created.json()) as { message: string }).message, /^The webtask's modules cannot be installed: /);
});

test.run();
