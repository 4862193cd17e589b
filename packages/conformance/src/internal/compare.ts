import { isDeepStrictEqual } from 'node:util';

/**
 * The first place where `actual` departs from `expected`, as `path: expected …, got …`, or
 * undefined when they match. Key order does not matter. A `stack` string in `expected` only
 * requires a string in `actual`: stacks name files and lines that differ between implementations.
 */
export function firstDifference(expected: unknown, actual: unknown, path = 'payload'): string | undefined {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of [...keys].sort()) {
      const at = `${path}.${key}`;
      if (!(key in actual)) return `${at}: expected ${show(expected[key])}, got nothing`;
      if (!(key in expected)) return `${at}: expected nothing, got ${show(actual[key])}`;
      if (key === 'stack' && typeof expected[key] === 'string') {
        if (typeof actual[key] !== 'string') return `${at}: expected a string, got ${show(actual[key])}`;
        continue;
      }
      const found = firstDifference(expected[key], actual[key], at);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    for (let i = 0; i < expected.length; i++) {
      const found = firstDifference(expected[i], actual[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  return isDeepStrictEqual(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
