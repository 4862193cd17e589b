import type { ConformanceCase } from '../../types.ts';
import { commonCases } from './common.ts';
import { answer, CRASH, defineCase, fail, ok, post, REMOVE, ROOT, runtimeThrow, withField } from './helpers.ts';
import { echoed, hook, type PointSpec } from './point-spec.ts';

const CCX: PointSpec = {
  point: 'client-credentials-exchange',
  params: ['client', 'scope', 'audience', 'context'],
  echo: ['client', 'scope', 'audience'],
  body: { client: { id: 'client-1', name: 'App', tenant: 'tenant' }, scope: ['read:things'], audience: 'https://api.example.com' },
  noValue: undefined,
  errorClasses: [
    { name: 'InvalidRequestError', friendly: false },
    { name: 'InvalidScopeError', friendly: false },
    { name: 'ServerError', friendly: false },
  ],
  referenceCrashesOnNullBody: true,
  firstFieldMessage: 'Body .client received by extensibility point is not an object',
};

const PWX: PointSpec = {
  point: 'password-exchange',
  params: ['user', 'client', 'scope', 'audience', 'context'],
  echo: ['user', 'client', 'scope', 'audience'],
  body: { audience: 'https://api.example.com', scope: ['openid'], user: { id: 'user-1', tenant: 'tenant' }, client: { id: 'client-1', name: 'App' } },
  noValue: undefined,
  errorClasses: [],
  referenceCrashesOnNullBody: false,
  firstFieldMessage: 'Body.audience received by extensibility point is not a string',
};

type Validation = [title: string, path: string, value: unknown, message: string | null];

/** One case per validation step: the body is valid up to the field under test. */
export function validationCases(spec: PointSpec, steps: readonly Validation[]): ConformanceCase[] {
  const script = hook(spec, `cb(null, { ${spec.echo.join(', ')} });`);
  return steps.map(([title, path, value, message]) => {
    const body = withField(spec.body, path, value) as Record<string, unknown>;
    return defineCase(spec.point, {
      title,
      category: 'validation',
      script,
      requests: [post(body)],
      expect: answer(message === null ? ok(echoed(spec, body)) : fail(message)),
    });
  });
}

const ccx = (field: string, phrase: string) => `Body .${field} received by extensibility point ${phrase}`;
const pwx = (field: string, phrase: string) => `Body.${field} received by extensibility point ${phrase}`;

/** The context cases both token points share: the body's object is mutated with `webtask`. */
function tokenContextCases(spec: PointSpec, nullContextMessage: string): ConformanceCase[] {
  const withContext = { ...spec.body, context: { foo: 'bar' } };
  const run = (title: string, code: string, body: unknown, expected: unknown, secrets?: Record<string, string>) =>
    defineCase(spec.point, { title, category: 'context', script: hook(spec, code), requests: [post(body)], expect: answer(ok(expected)), ...(secrets ? { secrets } : {}) });
  return [
    run(
      "context is the body's own object, given context.webtask",
      "const body = context.webtask.body.context; cb(null, { same: context === body, foo: context.foo, webtask: typeof context.webtask, bodyHasWebtask: 'webtask' in body });",
      withContext,
      { same: true, foo: 'bar', webtask: 'object', bodyHasWebtask: true },
    ),
    run('no context: a new object with only webtask', 'cb(null, Object.keys(context));', spec.body, ['webtask']),
    run('a non-object context is replaced', 'cb(null, Object.keys(context));', { ...spec.body, context: 'text' }, ['webtask']),
    run('context.webtask is the webtask context', 'cb(null, context.webtask.secrets.other);', spec.body, 'value', { other: 'value' }),
    defineCase(spec.point, {
      title: 'a null context is refused',
      category: 'context',
      script: hook(spec, "cb(null, 'ran');"),
      requests: [post({ ...spec.body, context: null })],
      expect: answer(fail(nullContextMessage)),
      difference: {
        reference: answer(runtimeThrow("TypeError: Cannot set properties of null (setting 'webtask')", { name: 'TypeError', message: "Cannot set properties of null (setting 'webtask')" })),
        reason: 'the reference sets webtask on the null context and throws; the runtime answers 500',
      },
    }),
  ];
}

/** client-credentials-exchange. */
export function clientCredentialsExchangeCases(): ConformanceCase[] {
  const spec = CCX;
  return [
    ...commonCases(spec),
    ...validationCases(spec, [
      ['client missing', 'client', REMOVE, ccx('client', 'is not an object')],
      ['client a string', 'client', 'client-1', ccx('client', 'is not an object')],
      ['scope a string', 'scope', 'read:things', ccx('scope', 'is neither empty nor an array')],
      ['scope an object', 'scope', { read: true }, ccx('scope', 'is neither empty nor an array')],
      ['scope may be absent', 'scope', REMOVE, null],
      ['scope may be an empty string', 'scope', '', null],
      ['audience missing', 'audience', REMOVE, ccx('audience', 'is not a string')],
      ['audience a number', 'audience', 42, ccx('audience', 'is not a string')],
    ]),
    ...tokenContextCases(spec, ccx('context', 'is not an object')),
    defineCase(spec.point, {
      title: 'a null client is refused',
      category: 'validation',
      script: hook(spec, 'cb(null, { client });'),
      requests: [post({ ...spec.body, client: null })],
      expect: answer(fail(ccx('client', 'is not an object'))),
      difference: { reference: answer(ok({ client: null })), reason: 'typeof null is "object": the reference calls the hook with a null client' },
    }),
    ...nullBodyCases(spec),
  ];
}

/** password-exchange. */
export function passwordExchangeCases(): ConformanceCase[] {
  const spec = PWX;
  return [
    ...commonCases(spec),
    ...validationCases(spec, [
      ['audience missing', 'audience', REMOVE, pwx('audience', 'is not a string')],
      ['audience a number', 'audience', 1, pwx('audience', 'is not a string')],
      ['scope a string', 'scope', 'openid', pwx('scope', 'is neither empty nor an array')],
      ['scope may be absent', 'scope', REMOVE, null],
      ['user missing', 'user', REMOVE, pwx('user', 'is not an object')],
      ['user null', 'user', null, pwx('user', 'is not an object')],
      ['user a string', 'user', 'user-1', pwx('user', 'is not an object')],
      ['client missing', 'client', REMOVE, pwx('client', 'is not an object')],
      ['client null', 'client', null, pwx('client', 'is not an object')],
    ]),
    ...tokenContextCases(spec, pwx('context', 'is not an object')),
    ...nullBodyCases(spec),
  ];
}

/** A JSON `null` body, read by the runtime and by the compiler. */
export function nullBodyCases(spec: PointSpec): ConformanceCase[] {
  return ([1, 0] as const).map((parseBody) =>
    defineCase(spec.point, {
      title: `a JSON null body (${parseBody ? 'runtime parses' : 'compiler reads'})`,
      category: 'body',
      script: hook(spec, "cb(null, 'ran');"),
      requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, payload: 'null', parseBody }],
      expect: answer(fail(ROOT)),
      ...(spec.referenceCrashesOnNullBody ? { difference: { reference: CRASH, reason: 'the reference reads a property of the null body: an uncaught TypeError' } } : {}),
    }),
  );
}
