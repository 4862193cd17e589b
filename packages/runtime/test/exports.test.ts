import { test } from 'uvu';
import * as assert from 'uvu/assert';

test('the public surface of @ext-compilers/runtime', async () => {
  assert.equal(Object.keys(await import('@ext-compilers/runtime')).sort(), [
    'PARSE_ALWAYS',
    'PARSE_NEVER',
    'PARSE_ON_ARITY',
    'compile',
    'createContext',
    'createExecutor',
    'createJobWebtask',
    'createNodejsCompiler',
    'createServer',
    'createStorage',
    'egressDecision',
    'guardedLookup',
    'jailSupport',
    'nodejsCompiler',
    'parseEgressAllow',
    'simulate',
    'syntaxErrorOf',
  ]);
});

test.run();
