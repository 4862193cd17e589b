// The cases every point shares about reading the body and about faults in the hook.
import {
  answer,
  type CaseInput,
  CRASH,
  fail,
  ok,
  oneRequestCases,
  post,
  postRaw,
  ROOT,
  runtimeThrow,
} from './helpers.ts';
import { echoed, hook, type PointSpec } from './point-spec.ts';
import { jsonParseMessage } from './v8-messages.ts';

export function bodyCases(spec: PointSpec): CaseInput[] {
  const script = hook(spec, `cb(null, { ${spec.echo.join(', ')} });`);
  const text = JSON.stringify(spec.body);
  const run = oneRequestCases('body', script);
  const plain = { 'content-type': 'text/plain' };
  const syntaxError = answer(fail(jsonParseMessage('{bad')));
  // With no usable body the reference re-reads the consumed stream, sees nothing, and takes the
  // body to be null: an error answer, or a crash for the points that read a property of it.
  const emptyBody = (reason: string): CaseInput['difference'] => ({
    reference: spec.referenceCrashesOnNullBody ? CRASH : answer(fail(ROOT)),
    reason: spec.referenceCrashesOnNullBody ? `${reason}; it reads a property of the null body: an uncaught TypeError` : reason,
  });
  const crashOnEmpty = spec.referenceCrashesOnNullBody ? emptyBody('an empty body is parsed as null') : undefined;
  // The runtime read the body but could not parse it: both take the body to be null (the
  // reference by re-reading the consumed stream, which yields nothing).
  const reread = 'the runtime could not parse the body; the reference re-reads the consumed stream and gets an empty body';
  const nullOnReread = spec.referenceCrashesOnNullBody ? emptyBody(reread) : undefined;
  return [
    run('GET: the body is not read', { method: 'GET', headers: { 'content-type': 'application/json' }, payload: text, parseBody: 0 }, answer(fail(ROOT))),
    run('GET: a body the runtime parsed is used', { method: 'GET', headers: { 'content-type': 'application/json' }, payload: text, parseBody: 1 }, answer(ok(echoed(spec, spec.body)))),
    run('a JSON string body', post('text'), answer(fail(ROOT))),
    run('a JSON number body', post(42), answer(fail(ROOT))),
    run('a JSON array body', post([]), answer(fail(spec.firstFieldMessage))),
    run('an empty POST (runtime parses)', postRaw('', 1), answer(fail(ROOT)), crashOnEmpty),
    run('an empty POST (compiler reads)', postRaw('', 0), answer(fail(ROOT)), crashOnEmpty),
    run('invalid JSON (compiler reads)', postRaw('{bad', 0), syntaxError),
    run('invalid JSON (runtime parses): no body', postRaw('{bad', 1), answer(fail(ROOT)), nullOnReread),
    run('non-JSON content type (compiler reads): raw bytes', postRaw(text, 0, plain), answer(fail(spec.firstFieldMessage))),
    run('non-JSON content type (runtime parses): no body', postRaw(text, 1, plain), answer(fail(ROOT)), nullOnReread),
    run('a JSON media type with a charset', postRaw(text, 0, { 'content-type': 'application/json; charset=utf-8' }), answer(ok(echoed(spec, spec.body)))),
    run('a +json media type', postRaw(text, 0, { 'content-type': 'application/vnd.api+json' }), answer(ok(echoed(spec, spec.body)))),
  ];
}

export function robustnessCases(spec: PointSpec): CaseInput[] {
  const thrower = hook(spec, "throw new Error('boom');");
  const twice = `let log;\n${hook(spec, "if (log) return cb(null, log);\n  log = { threw: false };\n  cb(null, 'first');\n  try { cb(null, 'second'); } catch (e) { log.threw = true; log.message = e.message; }")}`;
  return [
    {
      title: 'a synchronous throw (runtime parses the body)',
      category: 'robustness',
      script: thrower,
      requests: [post(spec.body, 1)],
      expect: answer(fail('boom')),
      difference: { reference: answer(runtimeThrow('Error: boom', { name: 'Error', message: 'boom' })), reason: 'the reference lets the throw reach the runtime, which answers 500' },
    },
    {
      title: 'a synchronous throw (compiler reads the body)',
      category: 'robustness',
      script: thrower,
      requests: [post(spec.body, 0)],
      expect: answer(fail('boom')),
      difference: { reference: CRASH, reason: 'the reference throws from inside its body reader: an uncaught exception' },
    },
    {
      title: 'the callback called twice: the first call wins',
      category: 'robustness',
      script: twice,
      requests: [post(spec.body), post(spec.body)],
      expect: answer(ok('first'), ok({ threw: false })),
      difference: {
        reference: answer(ok('first'), ok({ threw: true, message: 'Cannot write headers after they are sent to the client' })),
        reason: 'the reference writes a second response, which throws into the hook',
      },
    },
    {
      title: "a 'use strict' directive stays a directive",
      category: 'robustness',
      script: `'use strict';\n${hook(spec, 'cb(null, { strict: (function () { return this === undefined; })() });')}`,
      requests: [post(spec.body)],
      expect: answer(ok({ strict: true })),
      difference: { reference: answer(ok({ strict: false })), reason: 'the reference prepends its error classes above the directive, so the script runs sloppy' },
    },
  ];
}
