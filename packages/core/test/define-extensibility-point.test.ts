import { execFileSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { defineExtensibilityPoint, type ExtensibilityHandler, type WebtaskContext } from '@ext-compilers/core';

// A small point of our own: `(lead, context, cb)` with one optional field.
const DEFINITION_SOURCE = `{
  name: 'on-new-lead',
  validate: [
    { path: 'lead', is: 'object' },
    { path: 'lead.email', is: 'string' },
    { path: 'lead.tier', oneOf: ['free', 'pro'], optional: true },
  ],
  args: (body, ctx) => [body.lead, { webtask: ctx }],
  errors: [{ name: 'LeadRejectedError', friendlyMessage: true }],
}`;
const onNewLead = defineExtensibilityPoint(new Function(`return ${DEFINITION_SOURCE}`)());

function compile(script: string, compiler = onNewLead): Promise<ExtensibilityHandler> {
  return new Promise((resolve, reject) =>
    compiler({ script, nodejsCompiler }, (error, fn) => (error ? reject(error) : resolve(fn as ExtensibilityHandler))),
  );
}

function call(fn: ExtensibilityHandler, ctx: Partial<WebtaskContext>): Promise<{ writes: number; payload: Record<string, any> }> {
  return new Promise((resolve) => {
    let writes = 0;
    const res = {
      writeHead: () => { writes++; },
      end: (body: string) => {
        setImmediate(() => resolve({ writes, payload: JSON.parse(body) }));
      },
    };
    fn({ headers: {}, ...ctx } as WebtaskContext, { method: 'POST', headers: { 'content-type': 'application/json' } } as never, res);
  });
}

const echo = 'module.exports = function (lead, context, cb) { cb(null, { email: lead.email, webtask: typeof context.webtask }); };';

test('the compiled function has arity 3 and answers the success envelope', async () => {
  const fn = await compile(echo);
  assert.is(fn.length, 3);
  const { payload } = await call(fn, { body: { lead: { email: 'a@b.c' } } });
  assert.equal(payload, { statusCode: 200, headers: {}, status: 'success', data: { email: 'a@b.c', webtask: 'object' } });
});

test('validation runs in order with generated messages, optional fields skipped when absent', async () => {
  const fn = await compile(echo);
  const cases: [unknown, string][] = [
    [null, 'Body received by extensibility point is not an object'],
    ['text', 'Body received by extensibility point is not an object'],
    [{}, 'Body.lead received by extensibility point is not an object'],
    [{ lead: null }, 'Body.lead received by extensibility point is not an object'],
    [{ lead: { email: 1 } }, 'Body.lead.email received by extensibility point is not a string'],
    [{ lead: { email: 'x', tier: 'gold' } }, 'Body.lead.tier received by extensibility point is not `free` or `pro`'],
  ];
  for (const [body, message] of cases) {
    const { payload } = await call(fn, { body: body === null ? undefined : body, body_raw: body === null ? 'null' : undefined });
    assert.equal(payload, { status: 'error', data: { stack: `Error: ${message}`, message } }, JSON.stringify(body));
  }
  const ok = await call(fn, { body: { lead: { email: 'x', tier: 'pro' } } });
  assert.is(ok.payload.status, 'success');
});

test('declared error classes are in scope, extend ExtensibilityUserError, and keep user line numbers', async () => {
  const fn = await compile(
    "'use strict';\n// line 2\nmodule.exports = function (lead, context, cb) {\n  const e = new LeadRejectedError('bad lead', 'Try again');\n  cb(e);\n};",
  );
  const { payload } = await call(fn, { body: { lead: { email: 'x' } } });
  assert.equal(Object.keys(payload.data), ['stack', 'message', 'name', 'friendlyMessage']);
  assert.is(payload.data.name, 'LeadRejectedError');
  assert.is(payload.data.friendlyMessage, 'Try again');
  assert.match(payload.data.stack, /webtask\.js:4:/);
  const inherit = await compile('module.exports = (l, c, cb) => cb(null, { ok: new LeadRejectedError("m") instanceof ExtensibilityUserError, f: new LeadRejectedError("m").friendlyMessage });');
  assert.equal((await call(inherit, { body: { lead: { email: 'x' } } })).payload.data, { ok: true, f: 'm' });
});

test('the prelude keeps the directive prologue a prologue', async () => {
  const fn = await compile("'use strict'\n\"use npm\";\nmodule.exports = function (l, c, cb) { cb(null, { strict: this === undefined }); };");
  assert.equal((await call(fn, { body: { lead: { email: 'x' } } })).payload.data, { strict: true });
  const hashbang = await compile("#!/usr/bin/env node\n'use strict';\nmodule.exports = function (l, c, cb) { cb(null, { strict: this === undefined }); };");
  assert.equal((await call(hashbang, { body: { lead: { email: 'x' } } })).payload.data, { strict: true });
  const bom = await compile("\uFEFF/* c */ 'use strict'; module.exports = function (l, c, cb) { cb(null, { strict: this === undefined }); };");
  assert.equal((await call(bom, { body: { lead: { email: 'x' } } })).payload.data, { strict: true });
  const sloppy = await compile("'use strict'.length; module.exports = function (l, c, cb) { cb(null, { strict: this === undefined }); };");
  assert.equal((await call(sloppy, { body: { lead: { email: 'x' } } })).payload.data, { strict: false });
});

test('the first completion wins; a later callback or throw neither writes nor throws, and is logged', async () => {
  const fn = await compile("module.exports = function (l, c, cb) { cb(null, 1); cb(null, 2); cb(new Error('late')); throw new Error('after'); };");
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warned.push(message);
  try {
    const { writes, payload } = await call(fn, { body: { lead: { email: 'x' } } });
    assert.equal([writes, payload.data], [1, 1]);
  } finally {
    console.warn = warn;
  }
  const ignored = 'The hook completed more than once; the first completion answered and this one is ignored:';
  assert.equal(warned, [`${ignored} result 2`, `${ignored} error late`, `${ignored} error after`]);
});

test('a synchronous throw answers the error envelope', async () => {
  const fn = await compile("module.exports = function () { throw new TypeError('sync'); };");
  const { payload } = await call(fn, { body: { lead: { email: 'x' } } });
  assert.is(payload.status, 'error');
  assert.is(payload.data.message, 'sync');
});

test('a compile error answers every authorized request the same way', async () => {
  const fn = await compile('module.exports = function (l, c, cb) {');
  for (let i = 0; i < 2; i++) {
    const { payload } = await call(fn, { body: { lead: { email: 'x' } } });
    assert.is(payload.data.message, 'Unable to compile the extensibility code as javascript');
    assert.is(payload.data.error_description, 'Unexpected end of input');
    assert.not.match(payload.data.stack, /\n {4}at /);
  }
  const secrets = { 'auth0-extension-secret': 'k' };
  const denied = await call(fn, { secrets, body: { lead: { email: 'x' } } });
  assert.is(denied.payload.data.message, 'Unauthorized extensibility point');
});

test('a compile error on the prelude line quotes the user line, not the prelude', async () => {
  const fn = await compile('module.exports = function (l, c, cb) { cb(null, 1 +); };');
  const { payload } = await call(fn, { body: { lead: { email: 'x' } } });
  assert.not.match(payload.data.stack, /class/);
  const [location, source, caret] = payload.data.stack.split('\n');
  assert.match(location, /webtask\.js:1$/);
  assert.is(source, 'module.exports = function (l, c, cb) { cb(null, 1 +); };');
  assert.is(caret.indexOf('^'), source.indexOf('+)') + 1);
});

test('a script that exports no function answers ERR_COMPILE_NOT_A_FUNCTION', async () => {
  const fn = await compile('module.exports = 42;');
  const { payload } = await call(fn, { body: { lead: { email: 'x' } } });
  assert.equal(payload.data, {
    stack: 'Error: Unable to compile the extensibility code as javascript',
    message: 'Unable to compile the extensibility code as javascript',
    code: 'ERR_COMPILE_NOT_A_FUNCTION',
    error_description: 'Supplied code must return or export a function.',
  });
});

test('exportName picks a named export; complete reduces what the hook recorded on its arguments', async () => {
  const recorder = defineExtensibilityPoint({
    name: 'recorded',
    validate: [{ path: 'lead', is: 'object' }],
    exportName: 'onLead',
    args: (body) => [body.lead, { tags: [] as string[], denied: undefined as string | undefined }],
    complete: (outcome, [, api]) => {
      const { tags, denied } = api as { tags: string[]; denied?: string };
      if (outcome.error) return outcome;
      return denied ? { error: new Error(denied) } : { value: { tags } };
    },
  });
  const script = `exports.onLead = async (lead, api) => { if (lead.bad) api.denied = 'bad lead'; api.tags.push(lead.name); };`;
  const fn = await compile(script, recorder);
  assert.equal((await call(fn, { body: { lead: { name: 'ada' } } })).payload.data, { tags: ['ada'] });
  const denied = (await call(fn, { body: { lead: { name: 'bob', bad: true } } })).payload;
  assert.equal([denied.status, denied.data.message], ['error', 'bad lead']);
  const missing = (await call(await compile('exports.other = () => {};', recorder), { body: { lead: {} } })).payload;
  assert.equal([missing.status, missing.data.error_description], ['error', 'Supplied code must export a function named onLead.']);
});

test('validation gives the same answers where code generation from strings is disabled', () => {
  // The validator is normally generated code; this process cannot generate code, so it interprets.
  const program = `
    const { defineExtensibilityPoint } = await import('@ext-compilers/core');
    const { nodejsCompiler } = await import('@ext-compilers/conformance');
    const point = defineExtensibilityPoint(${DEFINITION_SOURCE});
    const bodies = [null, {}, { lead: 1 }, { lead: { email: 2 } }, { lead: { email: 'x', tier: 'gold' } }, { lead: { email: 'x' } }];
    point({ script: 'module.exports = (l, c, cb) => cb(null, "ok")', nodejsCompiler }, (e, fn) => {
      const out = [];
      for (const body of bodies) fn({ headers: {}, body: body ?? undefined, body_raw: body ? undefined : '' }, { method: 'POST', headers: {} }, { writeHead() {}, end(s) { out.push(JSON.parse(s).data) } });
      console.log(JSON.stringify(out.map((d) => typeof d === 'string' ? d : d.message)));
    });`;
  const output = execFileSync(
    process.execPath,
    ['--disallow-code-generation-from-strings', '--conditions=@ext-compilers/source', '--import', 'tsx', '--input-type=module', '-e', program],
    { encoding: 'utf8' },
  );
  assert.equal(JSON.parse(output), [
    'Body received by extensibility point is not an object',
    'Body.lead received by extensibility point is not an object',
    'Body.lead received by extensibility point is not an object',
    'Body.lead.email received by extensibility point is not a string',
    'Body.lead.tier received by extensibility point is not `free` or `pro`',
    'ok',
  ]);
});

test('misuse of the compiler is a TypeError', async () => {
  const error = await new Promise((resolve) => onNewLead({} as never, resolve));
  assert.instance(error, TypeError);
});

test('an invalid error class name is refused at definition time', () => {
  assert.throws(() => defineExtensibilityPoint({ name: 'x', validate: [], args: () => [], errors: [{ name: 'a-b' }] }), TypeError);
});

test.run();
