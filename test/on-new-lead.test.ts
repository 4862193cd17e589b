// The seed's Extend flow end to end for a platform's own point, on-new-lead (examples/on-new-lead),
// on a real server over a data directory (127.0.0.1, port 0): the platform creates its customer's
// extension with the hook's code, a random Bearer secret and the point's compiler as `wt-compiler`;
// discovers it by meta; invokes it with the secret from its meta. The point's compiler is served
// over HTTP, as a platform hosts it: a `wt-compiler` is a point of ext-compilers, a module the
// runtime can resolve, or an http(s) URL — a file path is none of these.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type OpenedServer, openServer } from '@ext-compilers/server';
import { EXAMPLE_ANSWER, EXAMPLE_BODY, page } from '../examples/on-new-lead/generate.ts';
import type { OnNewLeadHook } from '../examples/on-new-lead/point.cjs';

const test = suite('on-new-lead: a platform’s own point, end to end');
const example = new URL('../examples/on-new-lead/', import.meta.url);
const HOOK = readFileSync(new URL('hook.js', example), 'utf8');
const SECRET = randomBytes(32).toString('hex');

let data: string;
let opened: OpenedServer;
let compilerHost: Server;
let base: string;
let compilerUrl: string;

interface Reply {
  status: number;
  body: any;
}

async function call(method: string, url: string, options: { bearer?: string; json?: unknown } = {}): Promise<Reply> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const response = await fetch(url.startsWith('http') ? url : base + url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

/** What the platform does when its customer first edits the point: create the empty-or-given extension. */
function createExtension(container: string, name: string, code: string): Promise<Reply> {
  const meta = { 'auth0-extension-secret': SECRET, 'auth0-extension-type': 'on-new-lead', 'wt-compiler': compilerUrl };
  return call('PUT', `/api/webtask/${container}/${name}`, { bearer: opened.adminToken, json: { code, secrets: { 'auth0-extension-secret': SECRET }, meta } });
}

/** What the platform does with each new lead: find the tenant's on-new-lead extensions and invoke them. */
async function onNewLead(container: string, lead: unknown): Promise<Reply[]> {
  const found = await call('GET', `/api/webtask/${container}?meta=auth0-extension-type:on-new-lead`, { bearer: opened.adminToken });
  assert.is(found.status, 200, JSON.stringify(found.body));
  return Promise.all(
    (found.body as { webtask_url: string; meta: Record<string, string> }[]).map((extension) =>
      call('POST', extension.webtask_url, { bearer: extension.meta['auth0-extension-secret'], json: { lead } }),
    ),
  );
}

test.before(async () => {
  const source = readFileSync(new URL('point.cjs', example), 'utf8');
  compilerHost = createServer((req, res) => {
    if (req.url !== '/on-new-lead.cjs') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/javascript' }).end(source);
  });
  await new Promise<void>((resolve) => compilerHost.listen(0, '127.0.0.1', resolve));
  compilerUrl = `http://127.0.0.1:${(compilerHost.address() as AddressInfo).port}/on-new-lead.cjs`;
  data = mkdtempSync(join(tmpdir(), 'ext-compilers-on-new-lead-'));
  opened = await openServer({ data, sandbox: 'worker', workers: 1, timeout: 5000, modules: false, logger: { error() {} } });
  await new Promise<void>((resolve) => opened.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(opened.server.address() as AddressInfo).port}`;
});

test.after(async () => {
  await opened?.close();
  await new Promise((resolve) => compilerHost?.close(resolve));
  if (data) rmSync(data, { recursive: true, force: true });
});

test('point.md is the page generated from the definition', () => {
  assert.fixture(readFileSync(new URL('point.md', example), 'utf8'), page());
});

test('create, discover, invoke: the example request gets the answer point.md shows', async () => {
  const created = await createExtension('tenant-a', 'on-new-lead', HOOK);
  assert.is(created.status, 200, JSON.stringify(created.body));
  assert.is(created.body.webtask_url, `${base}/api/run/tenant-a/on-new-lead`);
  await call('PUT', '/api/webtask/tenant-a/unrelated', { bearer: opened.adminToken, json: { code: 'module.exports = (cb) => cb(null, 1);', meta: { 'auth0-extension-type': 'on-new-deal' } } });
  const answers = await onNewLead('tenant-a', EXAMPLE_BODY.lead);
  assert.equal(answers, [{ status: 200, body: EXAMPLE_ANSWER }]);
});

test('a wrong Bearer gets the error envelope', async () => {
  const wrong = await call('POST', '/api/run/tenant-a/on-new-lead', { bearer: 'not-the-secret', json: EXAMPLE_BODY });
  assert.equal(wrong, { status: 200, body: { status: 'error', data: { stack: 'Error: Unauthorized extensibility point', message: 'Unauthorized extensibility point', statusCode: 500 } } });
  const none = await call('POST', '/api/run/tenant-a/on-new-lead', { json: EXAMPLE_BODY });
  assert.is(none.body.data.message, 'Unauthorized extensibility point');
});

test('an invalid lead gets the validation message point.md lists', async () => {
  const [answer] = await onNewLead('tenant-a', { email: 'ada@analytical.example', source: 'billboard' });
  const message = 'Body.lead.source received by extensibility point is not `web` or `referral` or `event`';
  assert.equal(answer, { status: 200, body: { status: 'error', data: { stack: `Error: ${message}`, message } } });
  assert.ok(page().includes(`| 4 | \`lead.source\` | \`web\` or \`referral\` or \`event\` | \`\` ${message} \`\` |`));
});

test('an async rejection with the point’s error class answers its friendlyMessage', async () => {
  const [answer] = await onNewLead('tenant-a', { email: 'bob@nowhere.invalid', source: 'web' });
  assert.is(answer?.status, 200);
  const { status, data: error } = answer?.body as { status: string; data: Record<string, string> };
  assert.is(status, 'error');
  assert.equal(Object.keys(error).sort(), ['friendlyMessage', 'message', 'name', 'stack']);
  assert.equal([error.name, error.message, error.friendlyMessage], ['LeadRejectedError', 'Undeliverable address: bob@nowhere.invalid', 'This lead cannot be reached by email.']);
  assert.match(error.stack as string, /^LeadRejectedError: Undeliverable address/);
});

test('a hook whose result breaks the point’s promise gets the result message, not a success', async () => {
  // Typed as the point's hook, this would not compile: `score` must be a number.
  const careless = 'module.exports = async (lead) => ({ score: "high", tier: "hot" });';
  assert.is((await createExtension('tenant-b', 'scorer', careless)).status, 200);
  const [answer] = await onNewLead('tenant-b', EXAMPLE_BODY.lead);
  const message = 'Result.score received from extensibility point is not an integer';
  assert.equal(answer, { status: 200, body: { status: 'error', data: { stack: `Error: ${message}`, message } } });
});

// A hook written in TypeScript against the point's types (checked by `npm run typecheck`).
const typed: OnNewLeadHook = async (lead, context) => ({ score: lead.company ? 50 : 20, tier: 'warm', note: String(context.webtask.meta?.['auth0-extension-type']) });

test('a hook typed with the point’s types runs there as typed', async () => {
  assert.is((await createExtension('tenant-c', 'typed', `module.exports = ${typed.toString()};`)).status, 200);
  const [answer] = await onNewLead('tenant-c', EXAMPLE_BODY.lead);
  assert.equal(answer?.body.data, { score: 50, tier: 'warm', note: 'on-new-lead' });
});

test.run();
