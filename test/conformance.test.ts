// The whole conformance suite, twice: ext-compilers against the contract, and auth0-ext-compilers
// against the reference profile (which also proves each deliberate difference is real). One uvu
// test per case, so the counts show.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Profile, runConformance } from '@ext-compilers/conformance';

async function register(compilers: string, profile: Profile): Promise<void> {
  // Ours log a hook's second completion (console.warn): the cases that complete twice are
  // expected to, and what they log is checked here rather than printed among the results.
  const warned: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => void warned.push(message);
  const report = await runConformance({ compilers, profile }).finally(() => (console.warn = warn));
  const cases = suite(`conformance: ${compilers} (${profile})`);
  for (const result of report.results) {
    cases(result.id, () => {
      if (!result.passed) assert.unreachable(result.message);
    });
  }
  cases('the run covers every case', () => {
    assert.ok(report.results.length >= 150);
    assert.is(report.failed, 0);
  });
  cases('what the run logged: only second completions of hooks, by ours', () => {
    if (compilers !== 'ext-compilers') return assert.equal(warned, []);
    assert.ok(warned.length > 0);
    for (const line of warned) assert.match(line, /^The hook completed more than once; the first completion answered and this one is ignored: /);
  });
  cases.run();
}

await register('ext-compilers', 'contract');
await register('auth0-ext-compilers', 'reference');
