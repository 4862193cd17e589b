import { readBody } from './body/read-body.ts';
import { createReply, type Reply } from './answers/reply.ts';
import type { ExtensibilityHandler, WebtaskContext, WebtaskRequest, WebtaskResponse } from './types.ts';

export type { Reply } from './answers/reply.ts';

/**
 * A 3-ary webtask function that makes `ctx.body` hold the request body (see `readBody`), then runs
 * `run(ctx, reply)`. `reply(error, data)` answers with the envelope once; later calls do nothing.
 * A read error, or a synchronous throw from `run` (the user's function included), is answered
 * with the error envelope instead of escaping to the runtime.
 */
export function withBody(
  run: (ctx: WebtaskContext, reply: Reply) => void,
  options: { maxBodySize?: number | undefined } = {},
  result?: (data: unknown) => unknown,
): ExtensibilityHandler {
  return function extensibilityPoint(ctx: WebtaskContext, req: WebtaskRequest, res: WebtaskResponse): void {
    const reply = createReply(res, result);
    // The common case, a body the runtime already parsed, needs no callback.
    if (ctx.body) return guarded(run, ctx, reply);
    readBody(ctx, req, options, (error) => (error ? reply(error) : guarded(run, ctx, reply)));
  };
}

function guarded(run: (ctx: WebtaskContext, reply: Reply) => void, ctx: WebtaskContext, reply: Reply): void {
  try {
    run(ctx, reply);
  } catch (thrown) {
    reply(thrown ?? new Error(String(thrown)));
  }
}
