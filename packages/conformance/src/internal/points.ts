import type { PointName } from '../types.ts';

/** The seven keys of a compilers module. */
export const POINTS: readonly PointName[] = [
  'generic',
  'client-credentials-exchange',
  'password-exchange',
  'pre-user-registration',
  'post-user-registration',
  'post-change-password',
  'send-phone-message',
];

/**
 * The compilers object inside a loaded module namespace: a CommonJS module's `module.exports`
 * arrives as `default` (its named exports are only what Node's lexer guessed), an ES module's
 * string-named exports as the namespace itself.
 */
export function pickCompilers(namespace: Record<string, unknown>): Record<string, unknown> {
  const fallback = namespace.default as Record<string, unknown> | undefined;
  const hasPoints = (value: Record<string, unknown> | undefined): boolean =>
    !!value && POINTS.some((key) => typeof value[key] === 'function');
  return hasPoints(fallback) ? (fallback as Record<string, unknown>) : namespace;
}
