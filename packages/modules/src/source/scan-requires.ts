/**
 * The `require(…)` calls of a script, found by a single linear scan instead of a parse. `prepare()`
 * runs on every compile of a `'use npm'` script, and acorn's full parse costs about four times
 * the V8 compile that follows; this scan costs a fraction of it.
 *
 * What it must get right is which `require` tokens are code: it skips comments, strings, template
 * text (following `${…}` nesting) and regular expression literals. Whether a `/` starts a regular
 * expression or divides depends on the token before it, decided as Node's cjs-module-lexer does:
 * after a value (a name, a literal, `)` `]`, an object literal's `}`) it divides; after an
 * operator, `(`, a keyword such as `return`, the `)` of an `if (…)`/`while (…)`/`for (…)`, or a
 * block's `}` it starts a literal. Where the scan meets something it cannot be sure of (an
 * unterminated literal or comment, unbalanced brackets, an escape inside a require's literal) it
 * returns undefined and the caller parses with acorn instead. A test compares it with acorn's
 * answers over the analyzer's whole corpus.
 *
 * It is a loop over local variables with numeric token kinds, its steps plain functions that
 * return a number: as methods over object fields and strings it cost three times as much.
 */

/** A require call: its argument's offsets and, for a static one, its text. */
export interface ScannedRequire {
  /** The literal's text; undefined for a dynamic require (a variable, an expression, no argument). */
  readonly spec: string | undefined;
  readonly start: number;
  readonly end: number;
}

// The previous significant token, as far as `/`, `{` and `require` care.
const START = 0; // the start of input, `;`, a block's `{` or `}`, `else`, `do`: a statement starts
const OPERATOR = 1; // an operator, `(`, `,`, `[`, `:`, `?`: an expression starts
const KEYWORD = 2; // `return`, `typeof`, `new`…: an expression starts
const NEW = 3; // `new`: what follows is constructed, not called
const CONDITION_KEYWORD = 4; // `if`, `while`, `for`, `with`: a condition follows
const CONDITION_CLOSE = 5; // the `)` of a condition: a statement starts
const ARROW = 6; // `=>`: a body or an expression starts
const VALUE = 7; // a name, a literal, `)`, `]`, an object literal's `}`: a value ended
const CLOSE = 8; // the `)` of a call or a group: a value ended, but a `{` after it is a body
const DOT = 9; // `.` or `?.`: a property name follows

// Open brackets on the stack.
const PAREN = 0;
const CONDITION = 1;
const BRACKET = 2;
const BLOCK = 3;
const OBJECT = 4;
const TEMPLATE = 5;

const EXPRESSION_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'delete', 'void', 'throw', 'case', 'yield', 'await', 'extends']);
const CONDITION_KEYWORDS = new Set(['if', 'while', 'for', 'with']);

class GiveUp extends Error {}

/** The require calls of `code`, or undefined where a full parse is needed to be sure. */
export function scanRequires(code: string): ScannedRequire[] | undefined {
  try {
    return scan(code);
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

function scan(code: string): ScannedRequire[] {
  const length = code.length;
  if (length > MAX_LENGTH) throw new GiveUp();
  const found: ScannedRequire[] = [];
  const stack: number[] = [];
  let last = START;
  let i = code.startsWith('#!') ? lineEnd(code, 0) : 0;
  while (i < length) {
    const c = code.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
      continue;
    }
    let state: number;
    if (isIdentifierStart(c) || c === 35 /* # */) state = afterWord(code, i, last, found);
    else if (c >= 48 && c <= 57) state = at(wordEnd(code, i + 1), VALUE);
    else if (c === 39 || c === 34 /* ' " */) state = at(stringEnd(code, i), VALUE);
    else if (c === 96 /* ` */) state = afterTemplateText(code, templateEnd(code, i + 1, stack));
    else if (c === 47 /* / */) state = afterSlash(code, i, last);
    else if (isOtherSpace(c)) state = at(i + 1, last);
    else if (c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125) state = afterBracket(code, i + 1, c, last, stack);
    else state = afterOperator(code, i + 1, c, last);
    last = state & 15;
    i = state >> 4;
  }
  if (stack.length !== 0) throw new GiveUp();
  return found;
}

// The scan's state between tokens — where it is and the kind of the token before — as one 32-bit
// integer, `position << 4 | kind` (kinds are below 16): the steps below return it rather than an
// object, which would cost the scan its speed. Longer code is left to the parser.
const MAX_LENGTH = 2 ** 27 - 2;

function at(position: number, kind: number): number {
  return (position << 4) | kind;
}

function wordEnd(code: string, from: number): number {
  let i = from;
  while (i < code.length && isIdentifierPart(code.charCodeAt(i))) i++;
  return i;
}

/** A name, a keyword or a `#private` name starting at `start`; a `require` that is called is recorded. */
function afterWord(code: string, start: number, last: number, found: ScannedRequire[]): number {
  let end = start + 1;
  while (end < code.length && isIdentifierPart(code.charCodeAt(end))) end++;
  const size = end - start;
  if (size === 7 && last !== DOT && last !== NEW && code.startsWith('require', start)) requireCall(code, end, found);
  return at(end, last === DOT || size < 2 || size > 10 ? VALUE : word(code, start, end));
}

/** Template text ended at `end`: at a `${` an expression starts, at its closing backtick a value ended. */
function afterTemplateText(code: string, end: number): number {
  return at(end, code.charCodeAt(end - 1) === 123 ? OPERATOR : VALUE);
}

/** A comment, a division or a regular expression literal, told apart by the token before. */
function afterSlash(code: string, i: number, last: number): number {
  const next = code.charCodeAt(i + 1);
  if (next === 47) return at(lineEnd(code, i), last);
  if (next === 42) return at(commentEnd(code, i), last);
  if (last === VALUE || last === CLOSE) return at(i + (next === 61 ? 2 : 1), OPERATOR);
  return at(regexEnd(code, i), VALUE);
}

/** `(` `)` `[` `]` `{` `}` (ending at `i`): the stack of open brackets, and what the token makes of the next. */
function afterBracket(code: string, i: number, c: number, last: number, stack: number[]): number {
  switch (c) {
    case 40 /* ( */:
      stack.push(last === CONDITION_KEYWORD ? CONDITION : PAREN);
      return at(i, OPERATOR);
    case 41 /* ) */:
      return at(i, pop(stack, PAREN, CONDITION) === CONDITION ? CONDITION_CLOSE : CLOSE);
    case 91 /* [ */:
      stack.push(BRACKET);
      return at(i, OPERATOR);
    case 93 /* ] */:
      pop(stack, BRACKET, BRACKET);
      return at(i, VALUE);
    case 123 /* { */:
      // Where an expression starts, `{` is an object literal; after `)`, `=>`, a statement
      // boundary or a value (a class name) it opens a block.
      stack.push(last === OPERATOR || last === KEYWORD ? OBJECT : BLOCK);
      return at(i, START);
    default: {
      const kind = pop(stack, BLOCK, OBJECT, TEMPLATE);
      if (kind === TEMPLATE) return afterTemplateText(code, templateEnd(code, i, stack));
      return at(i, kind === OBJECT ? VALUE : START);
    }
  }
}

/** Any other punctuator whose first character `c` ends at `i`: how far it reaches, and what it makes of the next token. */
function afterOperator(code: string, i: number, c: number, last: number): number {
  const next = code.charCodeAt(i);
  switch (c) {
    case 46 /* . */:
      return next === 46 && code.charCodeAt(i + 1) === 46 ? at(i + 2, OPERATOR) : at(i, DOT);
    case 63 /* ? */:
      return next === 46 && !isDigit(code.charCodeAt(i + 1)) ? at(i + 1, DOT) : at(i, OPERATOR);
    case 61 /* = */:
      return next === 62 ? at(i + 1, ARROW) : at(i, OPERATOR);
    case 43 /* + */:
    case 45 /* - */:
      // `a++ / b` divides: a postfix increment ends a value.
      if (next !== c) return at(i, OPERATOR);
      return at(i + 1, last !== VALUE && last !== CLOSE ? OPERATOR : VALUE);
    case 59 /* ; */:
      return at(i, START);
    default:
      return at(i, OPERATOR);
  }
}

/** The token kind of a short word: a keyword that matters, or a value. */
function word(code: string, start: number, end: number): number {
  const first = code.charCodeAt(start);
  if (first < 97 || first > 122) return VALUE;
  const text = code.slice(start, end);
  if (text === 'new') return NEW;
  if (text === 'else' || text === 'do') return START;
  if (EXPRESSION_KEYWORDS.has(text)) return KEYWORD;
  if (CONDITION_KEYWORDS.has(text)) return CONDITION_KEYWORD;
  return VALUE;
}

/** After `require` (ending at `from`): a call with a literal is static, any other call dynamic, no call nothing. */
function requireCall(code: string, from: number, found: ScannedRequire[]): void {
  let at = skipTrivia(code, from);
  if (code.startsWith('?.', at)) at = skipTrivia(code, at + 2);
  if (code.charCodeAt(at) !== 40 /* ( */) return;
  const start = skipTrivia(code, at + 1);
  const c = code.charCodeAt(start);
  let end = -1;
  if (c === 39 || c === 34) end = stringEnd(code, start);
  else if (c === 96) end = plainTemplateEnd(code, start);
  if (end !== -1) {
    const after = code.charCodeAt(skipTrivia(code, end));
    if (after === 41 /* ) */ || after === 44 /* , */) {
      const spec = code.slice(start + 1, end - 1);
      // An escape would make the text differ from the value: let the parser decode it.
      if (spec.includes('\\')) throw new GiveUp();
      found.push({ spec, start, end });
      return;
    }
  }
  const empty = c === 41;
  found.push({ spec: undefined, start: empty ? at : start, end: empty ? start + 1 : start });
}

function pop(stack: number[], a: number, b: number, c = a): number {
  const kind = stack.pop();
  if (kind !== a && kind !== b && kind !== c) throw new GiveUp();
  return kind;
}

/**
 * Template text from `from` (just after its backtick, or just after the `}` that closes a `${…}`)
 * up to the closing backtick, or up to and including the next `${`, which is pushed on the stack.
 */
function templateEnd(code: string, from: number, stack: number[]): number {
  for (let i = from; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 96) return i + 1;
    else if (c === 36 && code.charCodeAt(i + 1) === 123) {
      stack.push(TEMPLATE);
      return i + 2;
    }
  }
  throw new GiveUp();
}

function isOtherSpace(c: number): boolean {
  return c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c > 0x1fff && c < 0x200b) || c === 0x3000 || c === 0x1680 || c === 0x202f || c === 0x205f;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c === 92 || (c > 127 && !isOtherSpace(c));
}

function isIdentifierPart(c: number): boolean {
  return isIdentifierStart(c) || isDigit(c);
}

function lineEnd(code: string, from: number): number {
  for (let i = from; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return i;
  }
  return code.length;
}

function commentEnd(code: string, from: number): number {
  const close = code.indexOf('*/', from + 2);
  if (close === -1) throw new GiveUp();
  return close + 2;
}

/** The offset after the string literal that starts at `from`. */
function stringEnd(code: string, from: number): number {
  const quote = code.charCodeAt(from);
  for (let i = from + 1; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92) i++;
    else if (c === 10 || c === 13) throw new GiveUp();
  }
  throw new GiveUp();
}

/** The offset after a template literal without `${`, or -1 when it has one. */
function plainTemplateEnd(code: string, from: number): number {
  for (let i = from + 1; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 96) return i + 1;
    if (c === 92) i++;
    else if (c === 36 && code.charCodeAt(i + 1) === 123) return -1;
  }
  throw new GiveUp();
}

/** The offset after the regular expression literal that starts at `from` (its flags included). */
function regexEnd(code: string, from: number): number {
  let inClass = false;
  for (let i = from + 1; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) throw new GiveUp();
    else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      let end = i + 1;
      while (end < code.length && isIdentifierPart(code.charCodeAt(end))) end++;
      return end;
    }
  }
  throw new GiveUp();
}

/** Skip whitespace and comments; an unterminated comment is left to the parser. */
function skipTrivia(code: string, from: number): number {
  let i = from;
  while (i < code.length) {
    const c = code.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || isOtherSpace(c)) i++;
    else if (c === 47 && code.charCodeAt(i + 1) === 47) i = lineEnd(code, i);
    else if (c === 47 && code.charCodeAt(i + 1) === 42) i = commentEnd(code, i);
    else break;
  }
  return i;
}
