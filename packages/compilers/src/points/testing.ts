// ext-compilers/testing: unit-test a hook without a server — compile it with its point's compiler,
// call it as the platform does, get the envelope.
export { compileHook, type HookCall, type HookOptions } from '../testing/compile-hook.ts';
export { type DeepPartial, type FixtureBuilder, fixtures } from '../testing/fixtures.ts';
export type { HookPoint, HookPoints } from '../testing/hook-points.ts';
export { runHook } from '../testing/run-hook.ts';
export type { Envelope, ErrorEnvelope, SuccessEnvelope } from '../types/envelope.ts';
