import type { ExtensibilityPointDefinition } from './define-extensibility-point.ts';
import type { Callback } from './types.ts';

/**
 * The function a hook author writes for a point whose hook gets `Args` and answers `Result`: the
 * arguments, then the callback. It completes by calling back or by the promise it returns (an
 * `async` function); a promise of nothing from a hook that declares the callback leaves the answer
 * to the callback (see `settleHook`), hence `Result | void`.
 */
export type PointHook<Args extends unknown[] = unknown[], Result = unknown> = (
  ...args: [...Args, cb: Callback<Result>]
) => void | PromiseLike<Result | void>;

/**
 * The hook type of a definition typed with `defineExtensibilityPoint<Args, Result>` or declared as
 * `ExtensibilityPointDefinition<Args, Result>`: `type OnNewLeadHook = HookOf<typeof definition>`.
 */
export type HookOf<Definition> = Definition extends ExtensibilityPointDefinition<infer Args, infer Result> ? PointHook<Args, Result> : never;
