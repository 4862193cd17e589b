// Runs the authoring tests of examples/<point>/hook.test.ts, which the runner does not collect
// (it runs packages/*/test and test/ only). Each of those files declares a uvu suite and calls
// `.run()`; imported here, their suites are queued under this file and counted in its result, so a
// failing example test fails the run. The last test checks that no example folder is left out.
import { readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../../../examples/client-credentials-exchange/hook.test.ts';
import '../../../examples/password-exchange/hook.test.ts';
import '../../../examples/post-change-password/hook.test.ts';
import '../../../examples/post-user-registration/hook.test.ts';
import '../../../examples/pre-user-registration/hook.test.ts';
import '../../../examples/send-phone-message/hook.test.ts';

const IMPORTED = ['client-credentials-exchange', 'password-exchange', 'post-change-password', 'post-user-registration', 'pre-user-registration', 'send-phone-message'];

test('every example folder with a hook.test.ts is imported above', () => {
  const examples = new URL('../../../examples/', import.meta.url);
  const withTests = readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && readdirSync(new URL(`${entry.name}/`, examples)).includes('hook.test.ts'))
    .map((entry) => entry.name)
    .sort();
  assert.equal(withTests, IMPORTED);
});

test.run();
