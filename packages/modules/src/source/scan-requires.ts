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
 * It is one function over local variables with numeric token kinds: as methods over object
 * fields and strings it cost three times as much.
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
  const found: ScannedRequire[] = [];
  const stack: number[] = [];
  let last = START;
  let i = code.startsWith('#!') ? lineEnd(code, 0) : 0;
  while (i < length) {
    const c = code.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) {
      i++;
    } else if (isIdentifierStart(c) || c === 35 /* # */) {
      const start = i;
      i++;
      while (i < length && isIdentifierPart(code.charCodeAt(i))) i++;
      const size = i - start;
      if (size === 7 && last !== DOT && last !== NEW && code.startsWith('require', start)) requireCall(code, i, found);
      last = last === DOT || size < 2 || size > 10 ? VALUE : word(code, start, i);
    } else if (c >= 48 && c <= 57) {
      i++;
      while (i < length && isIdentifierPart(code.charCodeAt(i))) i++;
      last = VALUE;
    } else if (c === 39 || c === 34 /* ' " */) {
      i = stringEnd(code, i);
      last = VALUE;
    } else if (c === 96 /* ` */) {
      i = templateEnd(code, i + 1, stack);
      last = code.charCodeAt(i - 1) === 123 ? OPERATOR : VALUE; // stopped at a `${`, or ended
    } else if (c === 47 /* / */) {
      const next = code.charCodeAt(i + 1);
      if (next === 47) {
        i = lineEnd(code, i);
      } else if (next === 42) {
        i = commentEnd(code, i);
      } else if (last === VALUE || last === CLOSE) {
        i += next === 61 ? 2 : 1;
        last = OPERATOR;
      } else {
        i = regexEnd(code, i);
        last = VALUE;
      }
    } else if (isOtherSpace(c)) {
      i++;
    } else {
      i++;
      switch (c) {
        case 40 /* ( */:
          stack.push(last === CONDITION_KEYWORD ? CONDITION : PAREN);
          last = OPERATOR;
          break;
        case 41 /* ) */:
          last = pop(stack, PAREN, CONDITION) === CONDITION ? CONDITION_CLOSE : CLOSE;
          break;
        case 91 /* [ */:
          stack.push(BRACKET);
          last = OPERATOR;
          break;
        case 93 /* ] */:
          pop(stack, BRACKET, BRACKET);
          last = VALUE;
          break;
        case 123 /* { */:
          // Where an expression starts, `{` is an object literal; after `)`, `=>`, a statement
          // boundary or a value (a class name) it opens a block.
          stack.push(last === OPERATOR || last === KEYWORD ? OBJECT : BLOCK);
          last = START;
          break;
        case 125 /* } */: {
          const kind = pop(stack, BLOCK, OBJECT, TEMPLATE);
          if (kind === TEMPLATE) {
            i = templateEnd(code, i, stack);
            last = code.charCodeAt(i - 1) === 123 ? OPERATOR : VALUE;
          } else {
            last = kind === OBJECT ? VALUE : START;
          }
          break;
        }
        case 46 /* . */:
          if (code.charCodeAt(i) === 46 && code.charCodeAt(i + 1) === 46) {
            i += 2;
            last = OPERATOR;
          } else {
            last = DOT;
          }
          break;
        case 63 /* ? */:
          if (code.charCodeAt(i) === 46 && !isDigit(code.charCodeAt(i + 1))) {
            i++;
            last = DOT;
          } else {
            last = OPERATOR;
          }
          break;
        case 61 /* = */:
          if (code.charCodeAt(i) === 62) {
            i++;
            last = ARROW;
          } else {
            last = OPERATOR;
          }
          break;
        case 43 /* + */:
        case 45 /* - */:
          // `a++ / b` divides: a postfix increment ends a value.
          if (code.charCodeAt(i) === c) {
            i++;
            if (last !== VALUE && last !== CLOSE) last = OPERATOR;
            else last = VALUE;
          } else {
            last = OPERATOR;
          }
          break;
        case 59 /* ; */:
          last = START;
          break;
        default:
          last = OPERATOR;
      }
    }
  }
  if (stack.length !== 0) throw new GiveUp();
  return found;
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
