// The whole conformance suite, twice: ext-compilers against the contract, and auth0-ext-compilers
// against the reference profile (which also proves each deliberate difference is real). One uvu
// test per case, so the counts show.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Profile, runConformance } from '@ext-compilers/conformance';

async function register(compilers: string, profile: Profile): Promise<void> {
  const report = await runConformance({ compilers, profile });
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
  cases.run();
}

await register('ext-compilers', 'contract');
await register('auth0-ext-compilers', 'reference');
