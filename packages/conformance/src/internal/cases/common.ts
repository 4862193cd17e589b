import type { ConformanceCase } from '../../types.ts';
import {
  answer,
  type CaseInput,
  COMPILE_FAILED,
  defineCase,
  fail,
  NOT_A_FUNCTION,
  ok,
  post,
  runtimeThrow,
  SECRET,
  SECRETS,
  UNAUTHORIZED,
} from './helpers.ts';
import { bodyCases, robustnessCases } from './body-and-robustness.ts';
import { ALL_ERROR_CLASSES, echoed, hook, type PointSpec } from './point-spec.ts';
import { syntaxMessage } from './v8-messages.ts';

/** The cases every extensibility point shares, from its spec. */
export function commonCases(spec: PointSpec): ConformanceCase[] {
  return [
    ...successCases(spec),
    ...authorizationCases(spec),
    ...errorClassCases(spec),
    ...callbackErrorCases(spec),
    ...serializationCases(spec),
    ...syntaxErrorCases(spec),
    ...loadErrorCases(spec),
    ...bodyCases(spec),
    ...robustnessCases(spec),
  ].map((input) => defineCase(spec.point, input));
}

function successCases(spec: PointSpec): CaseInput[] {
  const echo = hook(spec, `cb(null, { ${spec.echo.join(', ')} });`);
  const data = echoed(spec, spec.body);
  const simple = (title: string, code: string, expected: unknown): CaseInput => ({
    title,
    category: 'success',
    script: hook(spec, code),
    requests: [post(spec.body)],
    expect: answer(ok(expected)),
  });
  return [
    { title: 'success echoes the arguments (runtime parses the body)', category: 'success', script: echo, requests: [post(spec.body, 1)], expect: answer(ok(data)) },
    { title: 'success echoes the arguments (compiler reads the body)', category: 'success', script: echo, requests: [post(spec.body, 0)], expect: answer(ok(data)) },
    simple('success with no value', 'cb();', spec.noValue),
    simple('success with null', 'cb(null, null);', spec.noValue ?? null),
    simple('success with a string', "cb(null, 'done');", 'done'),
    simple('extra callback arguments are dropped', 'cb(null, 1, 2);', 1),
    simple('asynchronous callback', "setTimeout(() => cb(null, 'later'), 1);", 'later'),
    {
      title: 'a top-level return of the function',
      category: 'success',
      script: `return function (${[...spec.params, 'cb'].join(', ')}) { cb(null, 'returned'); };\n`,
      requests: [post(spec.body)],
      expect: answer(ok('returned')),
    },
  ];
}

/** Authorization cases, shared with generic (which passes its own script and body). */
export function authorizationInputs(script: string, body: unknown, authorized: unknown, invalidBody: unknown): CaseInput[] {
  const withHeader = (title: string, authorization: string | undefined, expected: CaseInput['expect']): CaseInput => ({
    title,
    category: 'authorization',
    script,
    secrets: SECRETS,
    requests: [post(body, 1, authorization === undefined ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', authorization })],
    expect: expected,
  });
  const refused = answer(UNAUTHORIZED);
  const rotation = (title: string, bearer: string): CaseInput => ({
    ...withHeader(title, `Bearer ${bearer}`, allowed),
    secrets: { 'auth0-extension-secret': 'new', 'auth0-extension-secret-previous': 'old' },
  });
  const allowed = answer(ok(authorized));
  return [
    { title: 'no secret set: no header needed', category: 'authorization', script, requests: [post(body)], expect: allowed },
    { title: 'no secret set: any header accepted', category: 'authorization', script, requests: [post(body, 1, { 'content-type': 'application/json', authorization: 'Bearer whatever' })], expect: allowed },
    withHeader('right Bearer secret', `Bearer ${SECRET}`, allowed),
    withHeader('scheme in lower case (bearer)', `bearer ${SECRET}`, allowed),
    withHeader('scheme in upper case (BEARER)', `BEARER ${SECRET}`, allowed),
    withHeader('header with surrounding spaces', `  Bearer ${SECRET}  `, allowed),
    withHeader('wrong secret', 'Bearer nope', refused),
    withHeader('missing header', undefined, refused),
    withHeader('two spaces after Bearer', `Bearer  ${SECRET}`, refused),
    withHeader('Basic scheme', `Basic ${SECRET}`, refused),
    withHeader('scheme without a value', 'Bearer', refused),
    withHeader('the secret without a scheme', SECRET, refused),
    withHeader('a longer secret', `Bearer ${SECRET}x`, refused),
    { ...withHeader('authorization is checked before the body', 'Bearer nope', refused), requests: [post(invalidBody, 1, { 'content-type': 'application/json', authorization: 'Bearer nope' })] },
    rotation('rotation: the current secret still works while the previous is set', 'new'),
    { ...rotation('rotation: the previous secret is accepted', 'old'), difference: { reference: refused, reason: 'secret rotation: auth0-ext-compilers only knows auth0-extension-secret' } },
  ];
}

function authorizationCases(spec: PointSpec): CaseInput[] {
  return authorizationInputs(hook(spec, "cb(null, 'authorized');"), spec.body, 'authorized', 'not an object');
}

function errorClassCases(spec: PointSpec): CaseInput[] {
  const run = (title: string, code: string, expected: CaseInput['expect']): CaseInput => ({
    title,
    category: 'error-classes',
    script: hook(spec, code),
    requests: [post(spec.body)],
    expect: expected,
  });
  const inScope = new Set(['ExtensibilityUserError', ...spec.errorClasses.map((c) => c.name)]);
  const scope = Object.fromEntries(ALL_ERROR_CLASSES.map((name) => [name, inScope.has(name) ? 'function' : 'undefined']));
  const cases = [
    run('error classes in scope without imports', `cb(null, { ${ALL_ERROR_CLASSES.map((n) => `${n}: typeof ${n}`).join(', ')} });`, answer(ok(scope))),
    run('ExtensibilityUserError has an own name', "cb(new ExtensibilityUserError('base'));", answer(fail('base', { name: 'ExtensibilityUserError' }))),
  ];
  for (const { name, friendly } of spec.errorClasses) {
    const friendlyOnly = friendly ? { friendlyMessage: 'refused' } : {};
    cases.push(run(`${name} is reported with its name`, `cb(new ${name}('refused'));`, answer(fail('refused', { name, ...friendlyOnly }))));
    cases.push(
      run(`${name} extends ExtensibilityUserError and Error`, `const e = new ${name}('x'); cb(null, [e instanceof ExtensibilityUserError, e instanceof Error, Object.prototype.hasOwnProperty.call(e, 'name')]);`, answer(ok([true, true, true]))),
    );
    if (friendly) {
      cases.push(run(`${name} with a friendly message`, `cb(new ${name}('refused', 'Please try again'));`, answer(fail('refused', { name, friendlyMessage: 'Please try again' }))));
    }
  }
  return cases;
}

/** Errors passed to the callback, shared with generic. */
export function callbackErrorInputs(script: (code: string) => string, request: CaseInput['requests'][number]): CaseInput[] {
  const run = (title: string, code: string, expected: CaseInput['expect']): CaseInput => ({ title, category: 'callback-errors', script: script(code), requests: [request], expect: expected });
  return [
    run('a plain Error has no name in data', "cb(new Error('plain'));", answer(fail('plain'))),
    run('a TypeError has no name in data', "cb(new TypeError('typed'));", answer(fail('typed'))),
    run("an Error's own properties are copied", "const e = new Error('coded'); e.code = 'E_HOOK'; e.statusCode = 400; cb(e);", answer(fail('coded', { code: 'E_HOOK', statusCode: 400 }))),
    run('a string becomes the message', "cb('just a string');", answer(fail('just a string'))),
    run('an object with a message', "cb({ message: 'from an object', extra: 1 });", answer(fail('from an object'))),
    run('an object without a message', 'cb({ reason: 1 });', answer(fail('[object Object]'))),
    run('a number', 'cb(42);', answer(fail('42'))),
    run('a falsy error is a success', "cb(0, 'value');", answer(ok('value'))),
  ];
}

function callbackErrorCases(spec: PointSpec): CaseInput[] {
  return callbackErrorInputs((code) => hook(spec, code), post(spec.body));
}

/** Serialization failures, shared with generic. */
export function serializationInputs(script: (code: string) => string, request: CaseInput['requests'][number]): CaseInput[] {
  const run = (title: string, code: string, expected: CaseInput['expect']): CaseInput => ({ title, category: 'serialization', script: script(code), requests: [request], expect: expected });
  const unserializable = answer(fail('Error when JSON serializing the result of the extension point'));
  return [
    run('a circular result', 'const a = {}; a.self = a; cb(null, a);', unserializable),
    run('a BigInt result', 'cb(null, { n: 10n });', unserializable),
    run('a result with toJSON', "cb(null, { toJSON() { return { via: 'toJSON' }; } });", answer(ok({ via: 'toJSON' }))),
    run('undefined properties are dropped', 'cb(null, { a: undefined, b: 1 });', answer(ok({ b: 1 }))),
    run('an error that cannot be serialized', "const e = new Error('big'); e.amount = 10n; cb(e);", answer(fail('Error serializing error: Do not know how to serialize a BigInt'))),
  ];
}

function serializationCases(spec: PointSpec): CaseInput[] {
  return serializationInputs((code) => hook(spec, code), post(spec.body));
}

/** A script that does not compile: what is revealed, and to whom. */
function syntaxErrorCases(spec: PointSpec): CaseInput[] {
  const syntax = `module.exports = function (${[...spec.params, 'cb'].join(', ')}) { cb(null, ; };\n`;
  const syntaxFailure = fail(COMPILE_FAILED, { error_description: syntaxMessage(syntax) });
  const auth = (authorization?: string) => [post(spec.body, 1, authorization ? { 'content-type': 'application/json', authorization } : { 'content-type': 'application/json' })];
  const revealed = answer(syntaxFailure);
  const hidden = { reference: revealed, reason: 'the reference reveals the compile error to unauthenticated callers' };
  return [
    { title: 'a syntax error answers every request', category: 'compile', script: syntax, requests: [post(spec.body)], expect: revealed },
    { title: 'compile failure with the right secret', category: 'compile', script: syntax, secrets: SECRETS, requests: auth(`Bearer ${SECRET}`), expect: revealed },
    { title: 'compile failure with a wrong secret is unauthorized', category: 'compile', script: syntax, secrets: SECRETS, requests: auth('Bearer nope'), expect: answer(UNAUTHORIZED), difference: hidden },
    { title: 'compile failure without a header is unauthorized', category: 'compile', script: syntax, secrets: SECRETS, requests: auth(), expect: answer(UNAUTHORIZED), difference: hidden },
    {
      title: 'compile failure: the second request reports the same error',
      category: 'compile',
      script: syntax,
      requests: [post(spec.body), post(spec.body)],
      expect: answer(syntaxFailure, syntaxFailure),
      difference: {
        reference: answer(syntaxFailure, fail(COMPILE_FAILED, { error_description: COMPILE_FAILED })),
        reason: 'the reference mutates the compile error on the first request, so the second loses the original message',
      },
    },
  ];
}

/** A script that compiles but fails to load, or loads to something other than a function. */
function loadErrorCases(spec: PointSpec): CaseInput[] {
  return [
    {
      title: 'an error thrown while loading keeps its own properties',
      category: 'compile',
      script: "const e = new Error('load failed'); e.code = 'E_LOAD'; throw e;\n",
      requests: [post(spec.body)],
      expect: answer(fail(COMPILE_FAILED, { error_description: 'load failed', code: 'E_LOAD' })),
    },
    {
      title: 'a script exporting a non-function',
      category: 'compile',
      script: 'module.exports = 42;\n',
      requests: [post(spec.body)],
      expect: answer(fail(COMPILE_FAILED, { error_description: NOT_A_FUNCTION, code: 'ERR_COMPILE_NOT_A_FUNCTION' })),
      difference: {
        reference: answer(runtimeThrow('TypeError: func is not a function', { name: 'TypeError', message: 'func is not a function' })),
        reason: 'the reference calls the non-function on the first request and the runtime answers 500',
      },
    },
  ];
}
