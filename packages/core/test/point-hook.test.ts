// The hook types a definition carries. Most of this file is checked by `npm run typecheck`: the
// `@ts-expect-error` lines fail it when a wrong hook would type-check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { defineExtensibilityPoint, type ExtensibilityHandler, type ExtensibilityPointDefinition, type HookOf, type PointHook, type WebtaskContext } from '@ext-compilers/core';

interface Lead {
  email: string;
}
interface LeadScore {
  score: number;
}

const definition: ExtensibilityPointDefinition<[lead: Lead, context: { webtask: WebtaskContext }], LeadScore> = {
  name: 'on-new-lead',
  validate: [{ path: 'lead', is: 'object' }, { path: 'lead.email', is: 'string' }],
  args: (body, ctx) => [body.lead as Lead, { webtask: ctx }],
  returns: [{ path: 'score', is: 'number' }],
};
type Hook = HookOf<typeof definition>;

const asynchronous: Hook = async (lead) => ({ score: lead.email.length });
const callback: Hook = (lead, context, cb) => cb(null, { score: lead.email.length + Object.keys(context.webtask).length });
const laterByCallback: Hook = async (_lead, _context, cb) => void setTimeout(() => cb(null, { score: 1 }));
// @ts-expect-error the result has no `score`
const wrongResult: Hook = async () => ({ points: 1 });
// @ts-expect-error `lead` has no `name`
const wrongArgument: Hook = async (lead) => ({ score: lead.name });
// @ts-expect-error the callback takes a LeadScore
const wrongCallback: Hook = (_lead, _context, cb) => cb(null, { score: 'x' });
const same: PointHook<[lead: Lead, context: { webtask: WebtaskContext }], LeadScore> = asynchronous;
// Without type arguments, the types stay open: any function of the arguments fits.
const open: HookOf<ExtensibilityPointDefinition> = (...args: unknown[]) => void args;
// Type arguments given to defineExtensibilityPoint check the definition itself.
defineExtensibilityPoint<[lead: Lead], LeadScore>({
  name: 'typed',
  validate: [],
  // @ts-expect-error args must give a Lead
  args: () => [1],
  result: (data) => data.score,
});

test('typed hooks run as their types say; the wrong ones are refused by the result checks', async () => {
  const compiler = defineExtensibilityPoint(definition);
  const answer = (hook: Hook): Promise<unknown> =>
    new Promise((resolve, reject) =>
      compiler({ script: `module.exports = ${hook.toString()};`, nodejsCompiler }, (error, fn) => {
        if (error) return reject(error);
        const res = { writeHead: () => undefined, end: (text: string) => resolve(JSON.parse(text).data) };
        (fn as ExtensibilityHandler)({ headers: {}, body: { lead: { email: 'a@b.c' } } }, { method: 'POST', headers: {} } as never, res);
      }),
    );
  const answers = [];
  for (const hook of [asynchronous, callback, laterByCallback, same, wrongResult, wrongArgument, wrongCallback]) {
    const data = (await answer(hook)) as { message?: string };
    answers.push(data.message ?? data);
  }
  const notANumber = 'Result.score received from extensibility point is not a number';
  // `callback` adds the number of keys of the webtask context: headers and body.
  assert.equal(answers, [{ score: 5 }, { score: 7 }, { score: 1 }, { score: 5 }, notANumber, notANumber, notANumber]);
  assert.is(typeof open, 'function');
});

test.run();
