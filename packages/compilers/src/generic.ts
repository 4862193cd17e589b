import {
  authorize,
  compileScript,
  sendError,
  settleHook,
  type WebtaskCompiler,
  type WebtaskContext,
  type WebtaskRequest,
  type WebtaskResponse,
  withBody,
} from '@ext-compilers/core';

/**
 * The generic compiler: any webtask function behind the Bearer check. A 3-ary function gets
 * `(ctx, req, res)` untouched; a 1-ary one `(cb)` — unless it is an `async` function, which gets
 * `(ctx, cb)` and answers by its promise —; any other `(ctx, cb)`, with the body read and the
 * result wrapped in the envelope. A returned promise completes the hook as its callback would. Unlike the point compilers, a script that does not compile
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
    // `(cb)` by the reference's arity rule; an `async (ctx)` function answers by its promise instead.
    const oneAry = fn.length === 1 && Object.prototype.toString.call(fn) !== '[object AsyncFunction]';
    return cb(
      null,
      withBody((ctx, reply) => {
        const denied = authorize(ctx);
        if (denied) return reply(denied);
        const returned = oneAry ? fn(reply) : fn(ctx, reply);
        if (returned !== undefined) settleHook(returned, reply, fn.length > (oneAry ? 0 : 1));
      }, options),
    );
  });
};

/** The 3-ary path: only the Bearer check stands between the request and the user's function. */
function raw(fn: (...args: unknown[]) => unknown) {
  return function genericHandler(ctx: WebtaskContext, req: WebtaskRequest, res: WebtaskResponse): void {
    const denied = authorize(ctx);
    if (denied) return sendError(res, denied);
    const failed = (thrown: unknown): void => {
      if (!res.headersSent) sendError(res, thrown ?? new Error(String(thrown)));
      else if (!res.writableEnded) res.end();
    };
    try {
      // An async 3-ary function answers through res; its rejection is answered like a throw.
      const returned = fn(ctx, req, res) as { then?: unknown } | undefined;
      if (typeof returned?.then === 'function') (returned as PromiseLike<unknown>).then(undefined, failed);
    } catch (thrown) {
      failed(thrown);
    }
  };
}
