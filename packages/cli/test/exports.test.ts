import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface is main() alone', async () => {
  const cli = await import('@ext-compilers/cli');
  assert.equal(Object.keys(cli).sort(), ['main']);
  assert.type(cli.main, 'function');
});

test.run();
