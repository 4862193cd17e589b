import type { ContainerScope } from '../types.ts';
import { claimsError, tokenError } from '../service/token-errors.ts';
import { MAX_NAME, unsafePattern } from './safe-pattern.ts';

// Container and webtask names: wt-cli's name rule (case-insensitive), at most MAX_NAME characters.
// The bound is what keeps a `ten` regex cheap to run (safe-pattern.ts).
const NAME = new RegExp(`^[-a-z0-9._~!$+=:@]{1,${MAX_NAME}}$`, 'i');

/** A parsed `ten` claim. */
export interface ContainerRule {
  /** The claim as stored in tokens: a list is trimmed and de-duplicated. */
  readonly ten: string;
  readonly scope: ContainerScope;
  admits(container: string): boolean;
}

export function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

/** Parses and checks a `ten` claim; `ERR_TOKEN_CLAIMS` when it is not one the server may run. */
export function parseTen(ten: unknown, maxPatternLength: number): ContainerRule {
  if (typeof ten !== 'string') throw claimsError('The ten claim is required and must be a string.', 'ten');
  if (ten.length >= 2 && ten.startsWith('/') && ten.endsWith('/')) return patternRule(ten.slice(1, -1), maxPatternLength);
  const names = [...new Set(ten.split(',').map((name) => name.trim()))];
  if (!names.every(isName)) {
    throw claimsError(`The ten claim must be a container name, a comma-separated list of names, or a /regex/; names match ${NAME}.`, 'ten');
  }
  const set = new Set(names);
  return { ten: names.join(','), scope: { kind: 'names', names }, admits: (container) => set.has(container) };
}

function patternRule(pattern: string, maxPatternLength: number): ContainerRule {
  if (pattern.length > maxPatternLength) {
    throw claimsError(`The ten regex is longer than ${maxPatternLength} characters.`, 'ten');
  }
  let regex: RegExp;
  try {
    new RegExp(pattern, 'u');
    // Anchored: the whole name must match. The pattern compiled alone, so it cannot close the group.
    regex = new RegExp(`^(?:${pattern})$`, 'u');
  } catch (error) {
    throw tokenError('ERR_TOKEN_CLAIMS', 'The ten regex does not compile.', { cause: error, details: { claim: 'ten' } });
  }
  const unsafe = unsafePattern(pattern);
  if (unsafe !== undefined) throw claimsError(`The ten regex is refused: ${unsafe}.`, 'ten');
  return {
    ten: `/${pattern}/`,
    scope: { kind: 'pattern', pattern },
    // The name check first: the regex only ever sees a short, valid name.
    admits: (container) => NAME.test(container) && regex.test(container),
  };
}

/**
 * Whether every container `child` admits is admitted by `parent`. Names are checked one by one; a
 * pattern can only be proven inside the identical pattern (regex inclusion is not decidable cheaply).
 */
export function covers(parent: ContainerRule, child: ContainerRule): boolean {
  if (child.scope.kind === 'names') return child.scope.names.every((name) => parent.admits(name));
  return parent.scope.kind === 'pattern' && parent.scope.pattern === child.scope.pattern;
}
