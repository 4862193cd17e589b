import type { ConformanceCase, PointName } from '../../types.ts';
import { commonCases } from './common.ts';
import { answer, defineCase, ok, post, REMOVE } from './helpers.ts';
import { hook, type PointSpec } from './point-spec.ts';
import { nullBodyCases, validationCases } from './token-points.ts';

const message = (field: string) => `Body.${field} received by extensibility point is not an object`;

/** pre-user-registration, post-user-registration and post-change-password share one contract. */
export function userRegistrationCases(point: PointName): ConformanceCase[] {
  const spec: PointSpec = {
    point,
    params: ['user', 'context'],
    echo: ['user'],
    body: { user: { id: 'user-1', email: 'someone@example.com' }, context: { requestLanguage: 'en', connection: { id: 'con_1', name: 'db', tenant: 'tenant' } } },
    noValue: {},
    errorClasses: [{ name: 'PreUserRegistrationError', friendly: true }],
    referenceCrashesOnNullBody: false,
    firstFieldMessage: message('user'),
  };
  return [
    ...commonCases(spec),
    ...validationCases(spec, [
      ['user missing', 'user', REMOVE, message('user')],
      ['user null', 'user', null, message('user')],
      ['user a string', 'user', 'user-1', message('user')],
      ['context missing', 'context', REMOVE, message('context')],
      ['context null', 'context', null, message('context')],
      ['context a string', 'context', 'en', message('context')],
      ['context.connection missing', 'context.connection', REMOVE, message('context.connection')],
      ['context.connection null', 'context.connection', null, message('context.connection')],
      ['context.connection a string', 'context.connection', 'db', message('context.connection')],
    ]),
    ...contextCases(spec),
    ...nullBodyCases(spec),
  ];
}

function contextCases(spec: PointSpec): ConformanceCase[] {
  const run = (title: string, code: string, expected: unknown, secrets?: Record<string, string>) =>
    defineCase(spec.point, { title, category: 'context', script: hook(spec, code), requests: [post(spec.body)], expect: answer(ok(expected)), ...(secrets ? { secrets } : {}) });
  return [
    run(
      "context is a copy of the body's context, with webtask",
      "const body = context.webtask.body.context; cb(null, { same: context === body, keys: Object.keys(context).sort(), bodyHasWebtask: 'webtask' in body });",
      { same: false, keys: ['connection', 'requestLanguage', 'webtask'], bodyHasWebtask: false },
    ),
    run("changes to context do not reach the body's", "context.extra = 1; cb(null, { reached: 'extra' in context.webtask.body.context });", { reached: false }),
    run('the copy keeps the nested objects', 'cb(null, context.connection === context.webtask.body.context.connection);', true),
    run('context.webtask is the webtask context', 'cb(null, context.webtask.secrets.other);', 'value', { other: 'value' }),
    run('success with false answers {}', 'cb(null, false);', {}),
  ];
}
