import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodejsCompiler } from '@ext-compilers/conformance';
import {
  defineExtensibilityPoint,
  type ExtensibilityHandler,
  type ExtensibilityPointDefinition,
  extensibilityPointMarkdown,
  type WebtaskCompiler,
  type WebtaskContext,
} from '@ext-compilers/core';

const small: ExtensibilityPointDefinition = {
  name: 'on-ping',
  parameters: ['ping'],
  validate: [{ path: 'ping', is: 'string' }],
  args: (body) => [body.ping],
};

// A point with every kind of check, a nested optional parent, the reference's `Body .` label,
// result checks, and classes with and without friendlyMessage.
const wide: ExtensibilityPointDefinition = {
  name: 'on-new-lead',
  messageLabel: 'Body .',
  parameters: ['lead', 'context'],
  validate: [
    { path: 'lead', is: 'object' },
    { path: 'lead.email', is: 'string' },
    { path: 'lead.tier', oneOf: ['free', 'pro'], optional: true },
    { path: 'lead.tags', is: 'empty-or-array' },
    { path: 'context', is: 'not-null', optional: true },
    { path: 'context.owner', is: 'object-or-null' },
  ],
  args: (body) => [body.lead, body.context],
  errors: [{ name: 'LeadRejectedError', friendlyMessage: true }, { name: 'QuotaError' }],
  returns: [
    { path: 'score', is: 'number' },
    { path: 'rank', is: 'integer', optional: true },
    { path: 'label', oneOf: ['hot', 'cold'] },
    { path: 'reasons', is: 'array', optional: true },
    { path: 'owner', is: 'object', optional: true },
    { path: 'owner.name', is: 'string' },
    { path: 'owner.active', is: 'boolean' },
  ],
};

// One body per row of `wide`'s body table, each failing that row only.
const FAILING_BODIES: unknown[] = [
  'not an object',
  { lead: null },
  { lead: { email: 7 } },
  { lead: { email: 'a@b.c', tier: 'gold' } },
  { lead: { email: 'a@b.c', tags: 'x' } },
  { lead: { email: 'a@b.c' }, context: null },
  { lead: { email: 'a@b.c' }, context: { owner: 'x' } },
];

// One success value per row of `wide`'s result table (as source: NaN is no JSON), each failing that row only.
const FAILING_RESULTS: string[] = [
  '[1]',
  '{ score: NaN, label: "hot" }',
  '{ score: 1, rank: 1.5, label: "hot" }',
  '{ score: 1, label: "warm" }',
  '{ score: 1, label: "hot", reasons: "x" }',
  '{ score: 1, label: "hot", owner: [] }',
  '{ score: 1, label: "hot", owner: { name: 3 } }',
  '{ score: 1, label: "hot", owner: { name: "ada", active: "yes" } }',
];

function compile(compiler: WebtaskCompiler, script: string): Promise<ExtensibilityHandler> {
  return new Promise((resolve, reject) => compiler({ script, nodejsCompiler }, (error, fn) => (error ? reject(error) : resolve(fn as ExtensibilityHandler))));
}

function answer(fn: ExtensibilityHandler, body: unknown): Promise<Record<string, any>> {
  return new Promise((resolve) => {
    const res = { writeHead: () => undefined, end: (text: string) => resolve(JSON.parse(text)) };
    const ctx = typeof body === 'object' && body !== null ? { headers: {}, body } : { headers: {}, body_raw: JSON.stringify(body) };
    fn(ctx as WebtaskContext, { method: 'POST', headers: { 'content-type': 'application/json' } } as never, res);
  });
}

/** The Message column of the table under `heading`, code spans undone. */
function listedMessages(page: string, heading: string): string[] {
  const section = page.split('\n## ').find((part) => part.startsWith(heading)) ?? '';
  return section
    .split('\n')
    .filter((line) => /^\| \d+ \|/.test(line))
    .map((line) => (line.split(/ \| /).at(-1) as string).replace(/ \|$/, ''))
    .map((cell) => cell.replace(/^`` (.*) ``$/, '$1').replace(/^`(.*)`$/, '$1').replaceAll('\\|', '|'));
}

test('the page of a small definition, whole', () => {
  assert.is(
    extensibilityPointMarkdown(small),
    `# on-ping

## Hook

\`\`\`js
module.exports = function (ping, cb) {
  cb(null, result); // or cb(error)
};
\`\`\`

The hook completes by calling \`cb(error)\` or \`cb(null, result)\`, or by the promise it returns (an \`async\` function); the first completion answers, later ones are ignored. A throw answers as \`cb(error)\`.

Its TypeScript type is \`HookOf<typeof definition>\` (\`@ext-compilers/core\`), given a definition typed with the hook's arguments and result.

## Request

\`POST\` to the webtask URL with a JSON body and \`Authorization: Bearer <secret>\`, where \`<secret>\` is the webtask's \`auth0-extension-secret\` secret (during a rotation, \`auth0-extension-secret-previous\` is accepted too). Any other \`Authorization\` is answered with the error \`Unauthorized extensibility point\`, before the body is checked. A webtask without the secret is not checked.

## Body checks

In order, after the Bearer check; the first that fails answers the error envelope with its message.

| # | Field | Must be | Message |
|---|---|---|---|
| 1 | the body | a non-null object | \`Body received by extensibility point is not an object\` |
| 2 | \`ping\` | \`string\` | \`Body.ping received by extensibility point is not a string\` |

## Error classes

In the hook's scope without imports; each extends \`ExtensibilityUserError\`. A hook's error answers the error envelope with the error's own properties: \`stack\`, \`message\`, \`name\`, and \`friendlyMessage\` where the class has it.

| Class | Constructor |
|---|---|
| \`ExtensibilityUserError\` | \`new ExtensibilityUserError(message)\` |

## Result

Any JSON value: it is answered as the success envelope's \`data\`.

## Answers

HTTP 200 with \`Content-Type: application/json\`, success or error:

\`\`\`
{ "statusCode": 200, "headers": {}, "status": "success", "data": <result> }
{ "status": "error", "data": { "stack": "…", "message": "…", … } }
\`\`\`
`,
  );
});

test('description, export name, classes, result checks, mapping and example lines', () => {
  const page = extensibilityPointMarkdown(
    { ...wide, exportName: 'onNewLead', result: (data) => data },
    { description: 'Called when a lead is created.\n', example: { hook: 'exports.onNewLead = async () => ({});\n', body: { lead: {} }, answer: { status: 'success' } } },
  );
  const lines = page.split('\n');
  assert.equal(lines.slice(0, 3), ['# on-new-lead', '', 'Called when a lead is created.']);
  assert.ok(lines.includes('exports.onNewLead = function (lead, context, cb) {'));
  assert.ok(lines.includes('| 4 | `lead.tier` | `free` or `pro`, or absent | `` Body .lead.tier received by extensibility point is not `free` or `pro` `` |'));
  assert.ok(lines.includes('| `LeadRejectedError` | `new LeadRejectedError(message, friendlyMessage = message)` |'));
  assert.ok(lines.includes('| `QuotaError` | `new QuotaError(message)` |'));
  assert.ok(lines.includes('| 2 | `score` | `number` | `Result.score received from extensibility point is not a number` |'));
  assert.ok(page.includes('instead. The point maps the value before it is answered.\n'));
  assert.ok(page.endsWith('## Example\n\n```js\nexports.onNewLead = async () => ({});\n```\n\nRequest body:\n\n```json\n{\n  "lead": {}\n}\n```\n\nAnswer:\n\n```json\n{\n  "status": "success"\n}\n```\n'));
  assert.ok(extensibilityPointMarkdown({ ...small, parameters: undefined }).includes('module.exports = function (...args, cb) {'));
});

test('the body messages it lists are the ones the compiler answers, in order', async () => {
  const fn = await compile(defineExtensibilityPoint(wide), 'module.exports = async () => ({ score: 1, label: "hot" });');
  const answered: string[] = [];
  for (const body of FAILING_BODIES) {
    const payload = await answer(fn, body);
    assert.is(payload.status, 'error', JSON.stringify(body));
    answered.push(payload.data.message);
  }
  assert.equal(listedMessages(extensibilityPointMarkdown(wide), 'Body checks'), answered);
  assert.is((await answer(fn, { lead: { email: 'a@b.c' } })).status, 'success');
});

test('the result messages it lists are the ones the compiler answers, in order', async () => {
  const answered: string[] = [];
  const point = defineExtensibilityPoint(wide);
  for (const value of FAILING_RESULTS) {
    const payload = await answer(await compile(point, `module.exports = async () => (${value});`), { lead: { email: 'a@b.c' } });
    assert.is(payload.status, 'error', value);
    answered.push(payload.data.message);
  }
  assert.equal(listedMessages(extensibilityPointMarkdown(wide), 'Result'), answered);
});

test.run();
