import type { ConformanceCase } from '../../types.ts';
import { commonCases } from './common.ts';
import { answer, defineCase, fail, ok, post, REMOVE, runtimeThrow } from './helpers.ts';
import { hook, type PointSpec } from './point-spec.ts';
import { nullBodyCases, validationCases } from './token-points.ts';

const SPEC: PointSpec = {
  point: 'send-phone-message',
  params: ['recipient', 'text', 'context'],
  echo: ['recipient', 'text'],
  body: {
    recipient: '+15550100',
    text: 'Your code is 123456',
    context: {
      factor_type: 'first',
      message_type: 'sms',
      action: 'enrollment',
      language: 'en',
      code: '123456',
      ip: '127.0.0.1',
      user_agent: 'agent',
      client: { client_id: 'client-1', name: 'App', client_metadata: {} },
      user: { user_id: 'user-1' },
    },
  },
  noValue: undefined,
  errorClasses: [{ name: 'SendPhoneMessageError', friendly: true }],
  referenceCrashesOnNullBody: true,
  firstFieldMessage: 'Body.recipient received by extensibility point is not a string',
};

const m = (field: string, phrase: string) => `Body.${field} received by extensibility point ${phrase}`;
const STRING = 'is not a string';
const OBJECT = 'is not an object';

/** send-phone-message. */
export function sendPhoneMessageCases(): ConformanceCase[] {
  const spec = SPEC;
  return [
    ...commonCases(spec),
    ...validationCases(spec, [
      ['recipient missing', 'recipient', REMOVE, m('recipient', STRING)],
      ['recipient a number', 'recipient', 15550100, m('recipient', STRING)],
      ['text missing', 'text', REMOVE, m('text', STRING)],
      ['context missing', 'context', REMOVE, m('context', OBJECT)],
      ['context a string', 'context', 'sms', m('context', OBJECT)],
      ['message_type not sms or voice', 'context.message_type', 'email', m('context.message_type', 'is not `sms` or `voice`')],
      ['message_type voice', 'context.message_type', 'voice', null],
      ['action unknown', 'context.action', 'login', m('context.action', 'is not `enrollment` or `second-factor-authentication`')],
      ['action second-factor-authentication', 'context.action', 'second-factor-authentication', null],
      ['language missing', 'context.language', REMOVE, m('context.language', STRING)],
      ['code a number', 'context.code', 123456, m('context.code', STRING)],
      ['ip missing', 'context.ip', REMOVE, m('context.ip', STRING)],
      ['user_agent missing', 'context.user_agent', REMOVE, m('context.user_agent', STRING)],
      ['client may be absent', 'context.client', REMOVE, null],
      ['client a string', 'context.client', 'client-1', m('context.client', OBJECT)],
      ['client.client_id missing', 'context.client.client_id', REMOVE, m('context.client.client_id', STRING)],
      ['client.name missing', 'context.client.name', REMOVE, m('context.client.name', STRING)],
      ['client.client_metadata may be absent', 'context.client.client_metadata', REMOVE, null],
      ['client.client_metadata may be null', 'context.client.client_metadata', null, null],
      ['client.client_metadata a string', 'context.client.client_metadata', 'meta', m('context.client.client_metadata', OBJECT)],
      ['user missing', 'context.user', REMOVE, m('context.user', OBJECT)],
      ['user may be null', 'context.user', null, null],
      ['factor_type is not checked', 'context.factor_type', REMOVE, null],
    ]),
    ...contextCases(spec),
    ...nullBodyCases(spec),
  ];
}

function contextCases(spec: PointSpec): ConformanceCase[] {
  const refused = (title: string, context: unknown, message: string, thrown: string) =>
    defineCase(spec.point, {
      title,
      category: 'context',
      script: hook(spec, "cb(null, 'ran');"),
      requests: [post({ ...spec.body, context })],
      expect: answer(fail(message)),
      difference: {
        reference: answer(runtimeThrow(`TypeError: ${thrown}`, { name: 'TypeError', message: thrown })),
        reason: 'typeof null is "object": the reference reads a property of null and throws; the runtime answers 500',
      },
    });
  return [
    defineCase(spec.point, {
      title: "context is the body's own object, given context.webtask",
      category: 'context',
      script: hook(spec, "const body = context.webtask.body.context; cb(null, { same: context === body, code: context.code, bodyHasWebtask: 'webtask' in body });"),
      requests: [post(spec.body)],
      expect: answer(ok({ same: true, code: '123456', bodyHasWebtask: true })),
    }),
    refused('a null context is refused', null, m('context', OBJECT), "Cannot read properties of null (reading 'message_type')"),
    refused('a null context.client is refused', { ...(spec.body.context as object), client: null }, m('context.client', OBJECT), "Cannot read properties of null (reading 'client_id')"),
  ];
}
