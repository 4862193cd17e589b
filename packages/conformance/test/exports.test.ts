import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public API is exactly these named exports', async () => {
  const api = await import('@ext-compilers/conformance');
  assert.equal(Object.keys(api).sort(), ['cases', 'createNodejsCompiler', 'loadSimulate', 'main', 'nodejsCompiler', 'runConformance']);
});

test.run();
