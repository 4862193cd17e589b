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
 */

/** A require call: its argument's offsets and, for a static one, its text. */
export interface ScannedRequire {
  /** The literal's text; undefined for a dynamic require (a variable, an expression, no argument). */
  readonly spec: string | undefined;
  readonly start: number;
  readonly end: number;
}

// What the previous significant token allows a `/` to be.
const REGEX = 0; // an operator, `(`, `,`, a keyword like `return`, a block's end: a regex starts
const DIVIDE = 1; // a value: a name, a literal, `)`, `]`, an object literal's end
const CONDITION = 2; // `if`, `while`, `for`, `with`: the `(` that follows opens a condition

const EXPRESSION_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends']);
const CONDITION_KEYWORDS = new Set(['if', 'while', 'for', 'with']);

type Bracket = 'paren' | 'condition' | 'bracket' | 'block' | 'object' | 'template';

// Tokens after which `{` opens a block rather than an object literal ('' is the start of input).
const BLOCK_BEFORE = new Set(['', ')', '=>', ';', '}', '{', 'else', 'do']);

class GiveUp extends Error {}

/** The require calls of `code`, or undefined where a full parse is needed to be sure. */
export function scanRequires(code: string): ScannedRequire[] | undefined {
  try {
    return new Scanner(code).run();
  } catch (error) {
    if (error instanceof GiveUp) return undefined;
    throw error;
  }
}

class Scanner {
  private i = 0;
  private state = REGEX;
  // The last identifier-like token (`.` for a member access): `require` after it is not a call.
  private last = '';
  private readonly stack: Bracket[] = [];
  private readonly found: ScannedRequire[] = [];

  private readonly code: string;

  constructor(code: string) {
    this.code = code;
  }

  run(): ScannedRequire[] {
    const { code } = this;
    if (code.startsWith('#!')) this.i = lineEnd(code, 0);
    while (this.i < code.length) this.token();
    if (this.stack.length !== 0) throw new GiveUp();
    return this.found;
  }

  private token(): void {
    const { code } = this;
    const c = code.charCodeAt(this.i);
    if (isSpace(c)) {
      this.i++;
    } else if (c === 47 /* / */) {
      this.slash();
    } else if (c === 39 || c === 34 /* ' " */) {
      this.i = stringEnd(code, this.i);
      this.value('');
    } else if (c === 96 /* ` */) {
      this.template();
    } else if (isIdentifierStart(c)) {
      this.word();
    } else if (c >= 48 && c <= 57) {
      while (this.i < code.length && isIdentifierPart(code.charCodeAt(this.i))) this.i++;
      this.value('');
    } else {
      this.punctuator(c);
    }
  }

  private slash(): void {
    const { code } = this;
    const next = code.charCodeAt(this.i + 1);
    if (next === 47) {
      this.i = lineEnd(code, this.i);
    } else if (next === 42) {
      const close = code.indexOf('*/', this.i + 2);
      if (close === -1) throw new GiveUp();
      this.i = close + 2;
    } else if (this.state === REGEX) {
      this.i = regexEnd(code, this.i);
      this.value('');
    } else {
      this.i += next === 61 ? 2 : 1;
      this.operator();
    }
  }

  private template(): void {
    const { code } = this;
    for (let i = this.i + 1; i < code.length; i++) {
      const c = code.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 96) {
        this.i = i + 1;
        return this.value('');
      } else if (c === 36 && code.charCodeAt(i + 1) === 123) {
        this.stack.push('template');
        this.i = i + 2;
        return this.operator();
      }
    }
    throw new GiveUp();
  }

  private word(): void {
    const { code } = this;
    const start = this.i;
    while (this.i < code.length && isIdentifierPart(code.charCodeAt(this.i))) this.i++;
    const length = this.i - start;
    if (length === 7 && code.startsWith('require', start) && this.last !== '.' && this.last !== 'new') this.call();
    const first = code.charCodeAt(start);
    // Only a short lower-case word can be a keyword; other names are not worth a string.
    if (this.last === '.' || length < 2 || length > 10 || first < 97 || first > 122) return this.value('id');
    const word = code.slice(start, this.i);
    if (EXPRESSION_KEYWORDS.has(word)) this.keyword(word, REGEX);
    else if (CONDITION_KEYWORDS.has(word)) this.keyword(word, CONDITION);
    else this.value(word);
  }

  /** After `require`: a call with a literal is static, any other call dynamic, no call nothing. */
  private call(): void {
    const { code } = this;
    let at = skipTrivia(code, this.i);
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
        this.found.push({ spec, start, end });
        return;
      }
    }
    const close = c === 41;
    this.found.push({ spec: undefined, start: close ? at : start, end: close ? start + 1 : start });
  }

  private punctuator(c: number): void {
    const { code, stack } = this;
    const last = this.last;
    this.i++;
    switch (c) {
      case 40 /* ( */:
        stack.push(this.state === CONDITION ? 'condition' : 'paren');
        return this.operator();
      case 41 /* ) */:
        // After `if (…)` a statement starts (a `/` there begins a regex); after other parens a value ends.
        if (this.pop('paren', 'condition') === 'condition') return this.mark(')');
        return this.close();
      case 91 /* [ */:
        stack.push('bracket');
        return this.operator();
      case 93 /* ] */:
        this.pop('bracket');
        return this.value('');
      case 123 /* { */:
        // A `{` where a value may start is an object literal; elsewhere (after `)`, `=>`, `;`, a
        // block, `else`, a class name, the start) it opens a block.
        stack.push(this.state === REGEX && !BLOCK_BEFORE.has(last) ? 'object' : 'block');
        return this.mark('{');
      case 125 /* } */: {
        const kind = this.pop('block', 'object', 'template');
        if (kind === 'template') {
          this.i--;
          return this.templateTail();
        }
        return kind === 'object' ? this.value('') : this.mark('}');
      }
      case 59 /* ; */:
        return this.mark(';');
      case 46 /* . */:
        if (code.charCodeAt(this.i) === 46 && code.charCodeAt(this.i + 1) === 46) {
          this.i += 2;
          return this.operator();
        }
        this.state = DIVIDE;
        this.last = '.';
        return;
      case 63 /* ? */:
        if (code.charCodeAt(this.i) === 46 && !isDigit(code.charCodeAt(this.i + 1))) {
          this.i++;
          this.state = DIVIDE;
          this.last = '.';
          return;
        }
        return this.operator();
      case 61 /* = */:
        if (code.charCodeAt(this.i) === 62 /* > */) {
          this.i++;
          this.operator();
          this.last = '=>';
          return;
        }
        return this.operator();
      case 43 /* + */:
      case 45 /* - */:
        // `a++ / b` divides: a postfix increment ends a value.
        if (code.charCodeAt(this.i) === c) {
          this.i++;
          return this.state === DIVIDE ? this.value('') : this.operator();
        }
        return this.operator();
      case 35 /* # */:
        return this.word(); // a private name: `#` is already behind
      default:
        return this.operator();
    }
  }

  /** The text after a `${…}` expression, up to the next `${` or the closing backtick. */
  private templateTail(): void {
    const { code } = this;
    for (let i = this.i + 1; i < code.length; i++) {
      const c = code.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 96) {
        this.i = i + 1;
        return this.value('');
      } else if (c === 36 && code.charCodeAt(i + 1) === 123) {
        this.stack.push('template');
        this.i = i + 2;
        return this.operator();
      }
    }
    throw new GiveUp();
  }

  private pop(...expected: Bracket[]): Bracket {
    const kind = this.stack.pop();
    if (kind === undefined || !expected.includes(kind)) throw new GiveUp();
    return kind;
  }

  private value(word: string): void {
    this.state = DIVIDE;
    this.last = word;
  }

  private close(): void {
    this.state = DIVIDE;
    this.last = ')';
  }

  private keyword(word: string, state: number): void {
    this.state = state;
    this.last = word;
  }

  private operator(): void {
    this.mark('op');
  }

  /** A token after which an expression or a statement starts, remembered for `{`. */
  private mark(token: string): void {
    this.state = REGEX;
    this.last = token;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029 || (c > 0x1fff && c < 0x200b) || c === 0x3000;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 36 || c === 95 || c === 92 || (c > 127 && !isSpace(c));
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
    if (isSpace(c)) i++;
    else if (c === 47 && code.charCodeAt(i + 1) === 47) i = lineEnd(code, i);
    else if (c === 47 && code.charCodeAt(i + 1) === 42) {
      const close = code.indexOf('*/', i + 2);
      if (close === -1) throw new GiveUp();
      i = close + 2;
    } else break;
  }
  return i;
}
