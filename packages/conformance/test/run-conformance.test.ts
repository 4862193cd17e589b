import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runConformance } from '@ext-compilers/conformance';

const FAULTY = fileURLToPath(new URL('./fixtures/faulty-compilers.cjs', import.meta.url));

async function rejects(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

test('ext-compilers passes a slice of the contract, by module name', async () => {
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warned.push(message);
  const report = await runConformance({ compilers: 'ext-compilers', filter: 'send-phone-message: ' }).finally(() => (console.warn = warn));
  // The slice's hook that completes twice is logged by ours (kept here, out of the test output).
  assert.equal(warned, ['The hook completed more than once; the first completion answered and this one is ignored: result "second"']);
  assert.is(report.profile, 'contract');
  assert.ok(report.results.length > 40);
  assert.equal(report.results.filter((r) => !r.passed), []);
  assert.is(report.passed, report.results.length);
  assert.is(report.failed, 0);
});

test('a compilers object is accepted, and a RegExp filter', async () => {
  const compilers = await import('ext-compilers');
  const report = await runConformance({ compilers, filter: /^generic: arity/ });
  assert.ok(report.results.length >= 5);
  assert.is(report.failed, 0);
});

test('detects a faulty implementation, case by case', async () => {
  const report = await runConformance({ compilers: FAULTY, filter: /^generic: / , timeout: 200 });
  const failed = new Map(report.results.filter((r) => !r.passed).map((r) => [r.id, r.message]));
  assert.match(failed.get('generic: wrong secret') ?? '', 'payload.data.body: expected nothing');
  assert.match(failed.get('generic: success echoes the body (runtime parses the body)') ?? '', 'payload.headers: expected {}, got nothing');
  assert.match(failed.get('generic: arity 1: called with the callback only') ?? '', 'hang');
  assert.ok(report.passed > 0, 'some cases still pass');
  assert.is(report.passed + report.failed, report.results.length);
});

test('a point that never answers fails by timeout, and a missing point is reported', async () => {
  const report = await runConformance({ compilers: FAULTY, filter: 'success with a string', timeout: 100 });
  const byPoint = Object.fromEntries(report.results.map((r) => [r.point, r.message]));
  assert.match(byPoint['password-exchange'] ?? '', 'hang');
  assert.match(byPoint['send-phone-message'] ?? '', 'exports no function "send-phone-message"');
  assert.is(report.passed, 0);
});

test('the reference profile expects auth0-ext-compilers, crashes included', async () => {
  const report = await runConformance({ compilers: 'auth0-ext-compilers', profile: 'reference', filter: 'client-credentials-exchange: a JSON null body' });
  assert.equal(report.results.map((r) => [r.isolated, r.passed]), [[true, true], [true, true]]);
  const contract = await runConformance({ compilers: 'auth0-ext-compilers', filter: 'client-credentials-exchange: a JSON null body' });
  assert.is(contract.failed, 2);
  assert.match(contract.results[0]?.message ?? '', 'crash');
});

test('bad options are TypeErrors; an unloadable module is ERR_CONFORMANCE_LOAD', async () => {
  assert.instance(await rejects(runConformance(null as never)), TypeError);
  assert.instance(await rejects(runConformance({ compilers: '' })), TypeError);
  assert.instance(await rejects(runConformance({ compilers: 'ext-compilers', profile: 'strict' as never })), TypeError);
  assert.instance(await rejects(runConformance({ compilers: 'ext-compilers', timeout: 0 })), TypeError);
  const error = await rejects(runConformance({ compilers: './no/such/module.js' }));
  assert.is(error.code, 'ERR_CONFORMANCE_LOAD');
  assert.match(error.message, 'Cannot load compilers from "./no/such/module.js"');
});

test.run();
