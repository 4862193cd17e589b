// The `ten` regex comes from whoever holds a token with issuance depth, and the server runs it on
// every request, so it must not be able to backtrack for long. Two rules make that a proof rather
// than a hope:
//   1. it only ever runs against a valid container name, at most MAX_NAME characters
//      (container-scope.ts checks the name first);
//   2. the pattern can match a given string in a bounded number of ways. A quantifier may apply
//      only to something that matches in exactly one way (a character, a class, a fixed group), so
//      nested quantifiers ((a+)+, (a*)*) and quantified alternations ((a|a)*) are refused; and the
//      product of the choices (a quantifier over n characters: n+1, an alternation: its branches)
//      is at most MAX_WAYS, which refuses long runs of optional pieces (a?a?a?…, a*a*a*a*…).
// Backreferences and lookarounds are refused outright: no backtracking bound holds for them.
// A backtracking engine then does at most about MAX_WAYS × MAX_NAME steps: milliseconds.

/** The longest container name (see container-scope.ts). */
export const MAX_NAME = 64;
const MAX_WAYS = (MAX_NAME + 1) ** 3;

class Cursor {
  readonly source: string;
  at = 0;
  constructor(source: string) {
    this.source = source;
  }
  peek(offset = 0): string {
    return this.source[this.at + offset] ?? '';
  }
  next(): string {
    return this.source[this.at++] ?? '';
  }
}

/** Why a compiled pattern is unsafe, or `undefined` when it is safe. */
export function unsafePattern(source: string): string | undefined {
  try {
    const cursor = new Cursor(source);
    alternation(cursor);
    return undefined;
  } catch (error) {
    if (error instanceof Unsafe) return error.message;
    throw error;
  }
}

class Unsafe extends Error {}

function bounded(ways: number): number {
  if (ways > MAX_WAYS) throw new Unsafe('it can match a container name in too many ways');
  return ways;
}

function alternation(cursor: Cursor): number {
  let ways = sequence(cursor);
  while (cursor.peek() === '|') {
    cursor.next();
    ways = bounded(ways + sequence(cursor));
  }
  return ways;
}

function sequence(cursor: Cursor): number {
  let ways = 1;
  for (let c = cursor.peek(); c !== '' && c !== '|' && c !== ')'; c = cursor.peek()) {
    ways = bounded(ways * term(cursor));
  }
  return ways;
}

function term(cursor: Cursor): number {
  const ways = atom(cursor);
  const choices = quantifier(cursor);
  if (choices === undefined) return ways;
  if (ways > 1) throw new Unsafe('a quantifier applies to something that can match in several ways (a nested quantifier or an alternation)');
  return choices;
}

function atom(cursor: Cursor): number {
  const c = cursor.next();
  if (c === '(') return group(cursor);
  if (c === '[') return characterClass(cursor);
  if (c === '\\') return escape(cursor);
  return 1;
}

function group(cursor: Cursor): number {
  if (cursor.peek() === '?') {
    const kind = cursor.peek(1);
    const named = kind === '<' && cursor.peek(2) !== '=' && cursor.peek(2) !== '!';
    if (kind !== ':' && !named) throw new Unsafe('lookarounds are not supported');
    while (cursor.next() !== (named ? '>' : ':'));
  }
  const ways = alternation(cursor);
  cursor.next(); // the `)`: the pattern compiled, so it is there
  return ways;
}

function characterClass(cursor: Cursor): number {
  for (let c = cursor.next(); c !== ']' && c !== ''; c = cursor.next()) {
    if (c === '\\') cursor.next();
  }
  return 1;
}

function escape(cursor: Cursor): number {
  const c = cursor.next();
  if (c === 'k' || (c >= '1' && c <= '9')) throw new Unsafe('backreferences are not supported');
  // \u{…}, \p{…}, \P{…} are one atom; \u and \x escapes of fixed length read as several one-way atoms, same count.
  if ((c === 'u' || c === 'p' || c === 'P') && cursor.peek() === '{') {
    while (cursor.next() !== '}');
  }
  return 1;
}

/** The number of repetition counts a quantifier allows on a name, or `undefined` for none. */
function quantifier(cursor: Cursor): number | undefined {
  const c = cursor.peek();
  let min: number;
  let max: number;
  if (c === '*' || c === '+' || c === '?') {
    cursor.next();
    [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
  } else if (c === '{') {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(cursor.source.slice(cursor.at));
    if (!match) return undefined;
    cursor.at += match[0].length;
    min = Number(match[1]);
    max = match[2] === undefined ? min : match[3] ? Number(match[3]) : Infinity;
  } else {
    return undefined;
  }
  if (cursor.peek() === '?') cursor.next();
  return Math.max(1, Math.min(max, MAX_NAME) - Math.min(min, MAX_NAME) + 1);
}
