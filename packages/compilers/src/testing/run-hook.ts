import type { Envelope } from '../types/envelope.ts';
import { compileHook, type HookOptions } from './compile-hook.ts';
import type { HookPoint, HookPoints } from './hook-points.ts';

/**
 * Compile `hook` with the point's compiler and call it once with `body`: the envelope the platform
 * would get. For several calls on one compilation (a cache, module state), use `compileHook`.
 */
export async function runHook<P extends HookPoint>(
  point: P,
  hook: string | URL | HookPoints[P]['hook'],
  body: HookPoints[P]['body'],
  options?: HookOptions,
): Promise<Envelope> {
  return (await compileHook(point, hook, options))(body);
}
