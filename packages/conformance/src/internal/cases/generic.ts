import type { ConformanceCase } from '../../types.ts';
import { authorizationInputs, callbackErrorInputs, serializationInputs } from './common.ts';
import {
  answer,
  type CaseInput,
  COMPILE_FAILED,
  CRASH,
  defineCase,
  fail,
  NOT_A_FUNCTION,
  ok,
  oneRequestCases,
  post,
  postRaw,
  runtimeThrow,
  SECRETS,
  UNAUTHORIZED,
} from './helpers.ts';
import { jsonParseMessage, syntaxMessage } from './v8-messages.ts';

const BODY = { hello: 'world' };
const twoAry = (code: string) => `module.exports = function (ctx, cb) {\n  ${code}\n};\n`;
const RAW =
  "module.exports = function (ctx, req, res) {\n  res.writeHead(200, { 'Content-Type': 'application/json' });\n  res.end(JSON.stringify({ raw: true, method: req.method }));\n};\n";

/** generic: any webtask function behind the Bearer check. */
export function genericCases(): ConformanceCase[] {
  const echo = twoAry('cb(null, { body: ctx.body });');
  return [
    ...successInputs(echo),
    ...authorizationInputs(echo, BODY, { body: BODY }, 'not an object'),
    ...rawInputs(),
    ...arityInputs(),
    ...callbackErrorInputs(twoAry, post(BODY)),
    ...serializationInputs(twoAry, post(BODY)),
    ...compileInputs(),
    ...bodyInputs(),
    ...robustnessInputs(),
  ].map((input) => defineCase('generic', input));
}

function successInputs(echo: string): CaseInput[] {
  const run = (title: string, code: string, expected: unknown): CaseInput => ({ title, category: 'success', script: twoAry(code), requests: [post(BODY)], expect: answer(ok(expected)) });
  return [
    { title: 'success echoes the body (runtime parses the body)', category: 'success', script: echo, requests: [post(BODY, 1)], expect: answer(ok({ body: BODY })) },
    { title: 'success echoes the body (compiler reads the body)', category: 'success', script: echo, requests: [post(BODY, 0)], expect: answer(ok({ body: BODY })) },
    run('success with no value: no data', 'cb();', undefined),
    run('success with null', 'cb(null, null);', null),
    run('success with 0', 'cb(null, 0);', 0),
    run('success with a string', "cb(null, 'done');", 'done'),
    run('extra callback arguments are dropped', 'cb(null, 1, 2);', 1),
    run('no error classes in scope', 'cb(null, typeof ExtensibilityUserError);', 'undefined'),
    { title: 'a top-level return of the function', category: 'success', script: "return function (ctx, cb) { cb(null, 'returned'); };\n", requests: [post(BODY)], expect: answer(ok('returned')) },
    { title: 'ctx.secrets holds the secrets', category: 'success', script: twoAry('cb(null, ctx.secrets.other);'), secrets: { other: 'value' }, requests: [post(BODY)], expect: answer(ok('value')) },
  ];
}

function rawInputs(): CaseInput[] {
  const withAuth = (authorization: string) => [post(BODY, 1, { 'content-type': 'application/json', authorization })];
  const reader =
    "module.exports = function (ctx, req, res) {\n  let text = '';\n  req.on('data', (chunk) => { text += chunk; });\n  req.on('end', () => {\n    res.writeHead(200, { 'Content-Type': 'application/json' });\n    res.end(JSON.stringify({ text, body: ctx.body === undefined }));\n  });\n};\n";
  return [
    { title: 'arity 3: the function answers itself', category: 'arity', script: RAW, requests: [post(BODY)], expect: answer({ payload: { raw: true, method: 'POST' } }) },
    { title: 'arity 3: the request stream is left to the function', category: 'arity', script: reader, requests: [post(BODY, 0)], expect: answer({ payload: { text: JSON.stringify(BODY), body: true } }) },
    { title: 'arity 3: right secret', category: 'arity', script: RAW, secrets: SECRETS, requests: withAuth('Bearer s3cret'), expect: answer({ payload: { raw: true, method: 'POST' } }) },
    { title: 'arity 3: wrong secret', category: 'arity', script: RAW, secrets: SECRETS, requests: withAuth('Bearer nope'), expect: answer(UNAUTHORIZED) },
    {
      title: 'arity 3: a synchronous throw',
      category: 'robustness',
      script: "module.exports = function (ctx, req, res) { throw new Error('boom'); };\n",
      requests: [post(BODY)],
      expect: answer(fail('boom')),
      difference: { reference: answer(runtimeThrow('Error: boom', { name: 'Error', message: 'boom' })), reason: 'the reference lets the throw reach the runtime, which answers 500' },
    },
  ];
}

function arityInputs(): CaseInput[] {
  return [
    {
      title: 'arity 1: called with the callback only',
      category: 'arity',
      script: "module.exports = function (cb) { cb(null, { one: typeof cb }); };\n",
      requests: [post(BODY)],
      expect: answer(ok({ one: 'function' })),
      difference: {
        reference: answer(runtimeThrow('TypeError: cb is not a function', { name: 'TypeError', message: 'cb is not a function' })),
        reason: 'the reference passes ctx where a 1-ary function expects its callback',
      },
    },
    {
      title: 'arity 0: called with (ctx, cb)',
      category: 'arity',
      script: "module.exports = function () { arguments[1](null, { ctx: typeof arguments[0] }); };\n",
      requests: [post(BODY)],
      expect: answer(ok({ ctx: 'object' })),
    },
  ];
}

function compileInputs(): CaseInput[] {
  const syntax = 'module.exports = function (ctx, cb) { cb(null, ; };\n';
  return [
    { title: 'a syntax error fails the compilation', category: 'compile', script: syntax, requests: [post(BODY)], expect: { kind: 'compile-error', message: syntaxMessage(syntax) } },
    { title: 'an error thrown while loading fails the compilation', category: 'compile', script: "throw new Error('load failed');\n", requests: [post(BODY)], expect: { kind: 'compile-error', message: 'load failed' } },
    notAFunction('a script exporting a non-function', 'module.exports = 42;\n', 'the non-function'),
    notAFunction('a script exporting nothing', 'const unused = 1;\n', 'the exported object'),
  ];
}

function bodyInputs(): CaseInput[] {
  const script = twoAry('cb(null, { type: typeof ctx.body, body: ctx.body });');
  const run = oneRequestCases('body', script);
  const bytes = (text: string) => ({ type: 'object', body: { type: 'Buffer', data: [...Buffer.from(text)] } });
  const empty = answer(ok({ type: 'object', body: null }));
  return [
    run('GET: the body is not read', { method: 'GET', headers: { 'content-type': 'application/json' }, payload: '{"a":1}', parseBody: 0 }, answer(ok({ type: 'undefined' }))),
    run('a JSON null body', postRaw('null', 0), empty),
    run('an empty POST (runtime parses)', postRaw('', 1), empty),
    run('an empty POST (compiler reads)', postRaw('', 0), empty),
    run('non-JSON content type (compiler reads): raw bytes', postRaw('abc', 0, { 'content-type': 'text/plain' }), answer(ok(bytes('abc')))),
    run('non-JSON content type (runtime parses): no body', postRaw('abc', 1, { 'content-type': 'text/plain' }), empty),
    run('invalid JSON (compiler reads)', postRaw('{bad', 0), answer(fail(jsonParseMessage('{bad')))),
    run('invalid JSON (runtime parses): no body', postRaw('{bad', 1), empty),
    run('a form body the runtime parsed', postRaw('a=1&b=2', 1, { 'content-type': 'application/x-www-form-urlencoded' }), answer(ok({ type: 'object', body: { a: '1', b: '2' } }))),
  ];
}

function robustnessInputs(): CaseInput[] {
  const thrower = twoAry("throw new Error('boom');");
  const twice = `let log;\n${twoAry("if (log) return cb(null, log);\n  log = { threw: false };\n  cb(null, 'first');\n  try { cb(new Error('second')); } catch (e) { log.threw = true; log.message = e.message; }")}`;
  return [
    {
      title: 'arity 2: a synchronous throw (runtime parses the body)',
      category: 'robustness',
      script: thrower,
      requests: [post(BODY, 1)],
      expect: answer(fail('boom')),
      difference: { reference: answer(runtimeThrow('Error: boom', { name: 'Error', message: 'boom' })), reason: 'the reference lets the throw reach the runtime, which answers 500' },
    },
    {
      title: 'arity 2: a synchronous throw (compiler reads the body)',
      category: 'robustness',
      script: thrower,
      requests: [post(BODY, 0)],
      expect: answer(fail('boom')),
      difference: { reference: CRASH, reason: 'the reference throws from inside its body reader: an uncaught exception' },
    },
    {
      title: 'the callback called twice: the first call wins',
      category: 'robustness',
      script: twice,
      requests: [post(BODY), post(BODY)],
      expect: answer(ok('first'), ok({ threw: false })),
      difference: {
        reference: answer(ok('first'), ok({ threw: true, message: 'Cannot write headers after they are sent to the client' })),
        reason: 'the reference writes a second response, which throws into the hook',
      },
    },
  ];
}

/** A script whose export is no function: our compile refuses it; the reference calls `what` on the first request. */
function notAFunction(title: string, script: string, what: string): CaseInput {
  return {
    title,
    category: 'compile',
    script,
    requests: [post(BODY)],
    expect: answer(fail(COMPILE_FAILED, { error_description: NOT_A_FUNCTION, code: 'ERR_COMPILE_NOT_A_FUNCTION' })),
    difference: {
      reference: answer(runtimeThrow('TypeError: func is not a function', { name: 'TypeError', message: 'func is not a function' })),
      reason: `the reference calls ${what} on the first request and the runtime answers 500`,
    },
  };
}
