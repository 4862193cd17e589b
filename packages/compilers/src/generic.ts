import {
  authorize,
  compileScript,
  sendError,
  type WebtaskCompiler,
  type WebtaskContext,
  type WebtaskRequest,
  type WebtaskResponse,
  withBody,
} from '@ext-compilers/core';

/**
 * The generic compiler: any webtask function behind the Bearer check. A 3-ary function gets
 * `(ctx, req, res)` untouched; a 1-ary one `(cb)`; any other `(ctx, cb)`, with the body read and
 * the result wrapped in the envelope. Unlike the point compilers, a script that does not compile
 * fails the compilation itself (as auth0-ext-compilers' generic does).
 */
export const generic: WebtaskCompiler = function genericCompiler(options, cb) {
  if (typeof options?.script !== 'string' || typeof options.nodejsCompiler !== 'function') {
    return cb(new TypeError('A compiler needs options.script (a string) and options.nodejsCompiler (a function)'));
  }
  compileScript(options, {}, ({ fn, failure, error }) => {
    if (error) return cb(error as Error);
    if (!fn) return cb(null, withBody((ctx, reply) => reply(authorize(ctx) ?? failure), options));
    if (fn.length === 3) return cb(null, raw(fn));
    const oneAry = fn.length === 1;
    return cb(
      null,
      withBody((ctx, reply) => {
        const denied = authorize(ctx);
        if (denied) return reply(denied);
        if (oneAry) fn(reply);
        else fn(ctx, reply);
      }, options),
    );
  });
};

/** The 3-ary path: only the Bearer check stands between the request and the user's function. */
function raw(fn: (...args: unknown[]) => unknown) {
  return function genericHandler(ctx: WebtaskContext, req: WebtaskRequest, res: WebtaskResponse): void {
    const denied = authorize(ctx);
    if (denied) return sendError(res, denied);
    try {
      fn(ctx, req, res);
    } catch (thrown) {
      if (!res.headersSent) sendError(res, thrown ?? new Error(String(thrown)));
      else if (!res.writableEnded) res.end();
    }
  };
}
