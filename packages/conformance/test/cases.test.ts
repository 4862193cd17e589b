import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { cases } from '@ext-compilers/conformance';

const POINTS = [
  'generic',
  'client-credentials-exchange',
  'password-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
];

test('at least 150 cases, with unique ids of the form <point>: <title>', () => {
  assert.ok(cases.length >= 150, String(cases.length));
  assert.is(new Set(cases.map((c) => c.id)).size, cases.length);
  for (const c of cases) assert.is(c.id, `${c.point}: ${c.title}`);
});

test('every compiler has success, authorization, compile and robustness cases', () => {
  for (const point of POINTS) {
    const categories = new Set(cases.filter((c) => c.point === point).map((c) => c.category));
    for (const category of ['success', 'authorization', 'compile', 'robustness', 'body', 'callback-errors', 'serialization']) {
      assert.ok(categories.has(category as never), `${point} lacks ${category}`);
    }
  }
});

test('every difference names what the reference does and why', () => {
  const differences = cases.filter((c) => c.difference);
  assert.ok(differences.length > 0);
  for (const c of differences) {
    assert.ok(c.difference?.reason, c.id);
    assert.ok(['answer', 'crash', 'hang', 'compile-error'].includes(c.difference?.reference.kind as string), c.id);
  }
});

test('the list is frozen', () => {
  assert.ok(Object.isFrozen(cases));
  assert.ok(Object.isFrozen(cases[0]));
  assert.throws(() => (cases as unknown as unknown[]).push(1));
});

test('validation messages keep the reference spelling (Body . for client-credentials-exchange)', () => {
  const messages = (point: string) =>
    cases
      .filter((c) => c.point === point && c.category === 'validation' && c.expect.kind === 'answer')
      .map((c) => JSON.stringify(c.expect));
  assert.ok(messages('client-credentials-exchange').some((m) => m.includes('Body .client received by extensibility point is not an object')));
  assert.ok(messages('password-exchange').some((m) => m.includes('Body.user received by extensibility point is not an object')));
});

// V8 words these differently across Node versions (Node 24 appends "(line 1 column 2)" to the JSON
// message): the cases must carry what the running Node says, so the suite holds on every Node.
const thrown = (action: () => unknown): string => {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
};

test("invalid JSON cases expect this Node's JSON.parse message", () => {
  const message = thrown(() => JSON.parse('{bad'));
  const invalid = cases.filter((c) => c.title === 'invalid JSON (compiler reads)');
  assert.is(invalid.length, POINTS.length);
  for (const c of invalid) {
    assert.is(c.requests[0]?.payload, '{bad', c.id);
    assert.is(c.expect.kind === 'answer' && (c.expect.responses[0]?.payload as { data: { message: string } }).data.message, message, c.id);
  }
});

test("syntax error cases expect this Node's compile message", async () => {
  const { compileFunction } = await import('node:vm');
  const syntax = cases.filter((c) => c.category === 'compile' && /syntax error/.test(c.title));
  assert.is(syntax.length, POINTS.length);
  for (const c of syntax) {
    const message = thrown(() => compileFunction(c.script, ['exports', 'require', 'module', '__filename', '__dirname']));
    assert.ok(JSON.stringify(c.expect).includes(JSON.stringify(message)), c.id);
  }
});

test.run();
