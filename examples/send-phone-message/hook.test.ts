// Unit tests of this folder's hook and its Actions rewrite, written as a hook author would.
// Run through packages/compilers/test/examples-authoring.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compileHook, fixtures } from 'ext-compilers/testing';

const test = suite('examples/send-phone-message');

for (const [point, name] of [['send-phone-message', 'hook.js'], ['actions/send-phone-message', 'actions.js']] as const) {
  test(`${point}: voice reads digits; unserved countries are refused`, async () => {
    // One compilation, several calls: as a runtime keeps a compiled webtask.
    const call = await compileHook(point, new URL(`./${name}`, import.meta.url));
    const voice = await call(fixtures.sendPhoneMessage({ context: { message_type: 'voice', language: 'en-GB' } }));
    assert.is(voice.status === 'success' && (voice.data as { body: string }).body, 'Your verification code is 1, 2, 3, 4, 5, 6');
    const refused = await call(fixtures.sendPhoneMessage({ recipient: '+88216123456' }));
    assert.is(refused.status === 'error' && refused.data.friendlyMessage, 'We cannot send codes to this phone number.');
  });
}

test.run();
