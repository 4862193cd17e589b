import type { Analysis } from './types.ts';

/** Placeholder while the analyzer is written (replaced in this session). */
export function analyze(_code: string): Analysis {
  throw new Error('analyze: pending');
}
