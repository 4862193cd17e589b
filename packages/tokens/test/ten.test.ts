import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { code, rejects, testService } from './helpers/service.ts';

// Patterns that backtrack catastrophically, or could: refused at issue time.
const hostile = [
  '(a+)+$',
  '(a+)+',
  '(a*)*',
  '(a|a)*',
  '(a|aa)+',
  '(.*a){10}',
  '(?:[a-z]+)*x',
  '([a-z]?)+$',
  '(a{1,3}){2,}',
  '^(\\w+\\s?)*$',
  'a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?aaaaaaaaaaaaaaaaaaaa',
  '[a-z]*[a-z]*[a-z]*[a-z]*x',
  '(a)\\1',
  '(?<n>a)\\k<n>',
  '(?=a)a',
  '(?!a)b',
  '(?<=a)b',
  '(?<!a)b',
];

test('catastrophic patterns are refused at issue time, quickly', async () => {
  const service = testService();
  const start = performance.now();
  for (const pattern of hostile) {
    const error = await rejects(service.issue({ ten: `/${pattern}/` }));
    assert.is(error.code, 'ERR_TOKEN_CLAIMS', pattern);
    assert.match(error.message, /^The ten regex is refused: /, pattern);
  }
  assert.ok(performance.now() - start < 500);
});

test('patterns that do not compile, or are too long, are refused', async () => {
  const service = testService({ maxRegexLength: 16 });
  for (const pattern of ['(', 'a)|(b', '[', 'a{', '\\', `${'a'.repeat(17)}`]) {
    assert.is(await code(service.issue({ ten: `/${pattern}/` })), 'ERR_TOKEN_CLAIMS', pattern);
  }
  assert.ok(await service.issue({ ten: `/${'a'.repeat(16)}/` }));
  assert.is(await code(testService().issue({ ten: `/${'a'.repeat(129)}/` })), 'ERR_TOKEN_CLAIMS');
});

test('ordinary container patterns are accepted, anchored to the whole name', async () => {
  const service = testService();
  const table: [string, string[], string[]][] = [
    ['wt-[a-f0-9]{32}-0', [`wt-${'ab'.repeat(16)}-0`], ['wt-ab-0', `xwt-${'ab'.repeat(16)}-0`]],
    ['(dev|staging|prod)-[a-z0-9]+', ['dev-x', 'prod-42'], ['qa-x', 'dev-', 'dev-x-prod-y']],
    ['^tenant-.*$', ['tenant-a'], ['my-tenant-a']],
    ['a|b', ['a', 'b'], ['ab', 'ba']],
    ['(?:ab)+', ['abab'], ['aba']],
    ['(?<team>[a-z]+)\\.[0-9]{1,3}', ['ops.1'], ['ops.1234']],
    ['\\u{61}[\\-.]\\p{Ll}', ['a-b', 'a.b'], ['a_b', 'a-B']],
  ];
  for (const [pattern, admitted, refused] of table) {
    const token = await service.issue({ ten: `/${pattern}/` });
    for (const container of admitted) assert.ok(await service.verify(token, { container }), `${pattern} ${container}`);
    for (const container of refused) assert.is(await code(service.verify(token, { container })), 'ERR_TOKEN_CONTAINER', `${pattern} ${container}`);
  }
});

test('the costliest accepted patterns run fast on the longest names, and long hostile names are refused unread', async () => {
  const service = testService();
  // [pattern, whether a 64-character name of `a`s matches]
  const worst: [string, boolean][] = [
    ['[a-z]*[a-z]*[a-z]*x', false],
    ['a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?aaaaaaaaaaaaaaaa', false],
    ['.*.*.*', true],
    ['(a|b|c|d|e|f|g|h)(a|b|c|d|e|f|g|h)(a|b|c|d|e|f|g|h)(a|b|c|d|e|f|g|h)[a-z]*x', false],
  ];
  for (const [pattern, matches] of worst) {
    const token = await service.issue({ ten: `/${pattern}/` });
    for (const container of ['a'.repeat(64), 'a'.repeat(65), 'a'.repeat(10_000), `${'a'.repeat(100_000)}!`]) {
      const start = performance.now();
      const outcome = await service.verify(token, { container }).then(() => 'admitted', (error) => error.code);
      const took = performance.now() - start;
      assert.is(outcome, container.length === 64 && matches ? 'admitted' : 'ERR_TOKEN_CONTAINER', `${pattern} on ${container.length}`);
      assert.ok(took < 250, `${pattern} on ${container.length} characters took ${took} ms`);
    }
  }
});

test.run();
