/**
 * Where the time of one request went, in milliseconds: compiling the webtask (its `wt-compiler`
 * and the Node compile), loading its `'use npm'` modules (resolution and installs), and running
 * the user's code until it answered. A request served by an already compiled function spent 0 on
 * the first two.
 */
export interface RequestTiming {
  compile: number;
  modules: number;
  /** Until the response's head was written; `undefined` until then. */
  user: number | undefined;
}

const built = new WeakMap<object, { compile: number; modules: number }>();

/** Record what building `fn` cost (compile() calls it once per build, not per cache hit). */
export function recordBuild(fn: object, compile: number, modules: number): void {
  built.set(fn, { compile, modules });
}

/** The timing of a request that found `fn` compiled (`waitedFor` false) or waited for its build. */
export function requestTiming(fn: object, waitedFor: boolean): RequestTiming {
  const build = waitedFor ? built.get(fn) : undefined;
  return { compile: build?.compile ?? 0, modules: build?.modules ?? 0, user: undefined };
}

/** The `Server-Timing` header's value (https://www.w3.org/TR/server-timing/). */
export function serverTimingHeader(timing: RequestTiming): string {
  const ms = (value: number | undefined) => (value ?? 0).toFixed(3);
  return `compile;dur=${ms(timing.compile)};desc="compile", modules;dur=${ms(timing.modules)};desc="module load", user;dur=${ms(timing.user)};desc="user code"`;
}
