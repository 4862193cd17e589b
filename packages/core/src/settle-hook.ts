import type { Reply } from './answers/reply.ts';

/**
 * Let a hook complete by what it returns as well as by its callback. When `returned` is a promise
 * (an `async` hook), its rejection answers as `cb(error)` would, and its value as `cb(null, value)`
 * — except a promise resolving `undefined` from a hook that declares the callback parameter
 * (`callbackDeclared`): such a hook answers through its callback, later (an `async` function
 * that calls `cb` from a timer). Anything that is not a promise is left alone: callback hooks
 * return nothing meaningful. Whichever completion comes first answers; `reply` ignores (and
 * reports) the others.
 */
export function settleHook(returned: unknown, reply: Reply, callbackDeclared: boolean): void {
  if (typeof (returned as { then?: unknown } | null)?.then !== 'function') return;
  (returned as PromiseLike<unknown>).then(
    (value) => {
      if (value === undefined && callbackDeclared) return;
      reply(null, value);
    },
    (error: unknown) => reply(error ?? new Error(`The hook's promise was rejected with ${String(error)}`)),
  );
}
