import type { WebtaskContext } from '@ext-compilers/core';

/**
 * The hook's `context` for the token points: the body's `context` when it is an object, else a new
 * one, either way given `context.webtask` (the reference mutates the body's object in place).
 */
export function contextOrEmpty(body: Record<string, unknown>, ctx: WebtaskContext): Record<string, unknown> {
  const context = typeof body.context === 'object' && body.context !== null ? (body.context as Record<string, unknown>) : {};
  context.webtask = ctx;
  return context;
}
