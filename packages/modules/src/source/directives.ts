/** Which of the two directives a script opens with. */
export interface Directives {
  readonly npm: boolean;
  readonly latest: boolean;
}

// JavaScript's `\s`, which includes the BOM: webtask-runtime matched directives with
// `^(?:[\n\s]*("|')use\s+(latest|npm)\1\s*(?:;|\n))*`, so a BOM, blank lines and indentation may
// precede them, but not a comment. That regex backtracks badly on hostile input; this scanner
// reads the prologue in one pass and accepts exactly the same prologues.
const SPACE = /\s/;

/** The `'use npm'` / `'use latest'` lines at the very top of `code` (any number, either quote). */
export function scanDirectives(code: string): Directives {
  let npm = false;
  let latest = false;
  let at = skipSpace(code, 0);
  for (;;) {
    const directive = readDirective(code, at);
    if (directive === undefined) break;
    if (directive.word === 'npm') npm = true;
    else latest = true;
    at = skipSpace(code, directive.end);
  }
  return { npm, latest };
}

/** One `"use npm"` / `'use latest'` starting at `at`, with its `;` or line end; else undefined. */
function readDirective(code: string, at: number): { word: 'npm' | 'latest'; end: number } | undefined {
  const quote = code[at];
  if ((quote !== '"' && quote !== "'") || !code.startsWith('use', at + 1)) return undefined;
  const wordAt = skipSpace(code, at + 4);
  if (wordAt === at + 4) return undefined;
  const word = code.startsWith('npm', wordAt) ? 'npm' : code.startsWith('latest', wordAt) ? 'latest' : undefined;
  if (word === undefined || code[wordAt + word.length] !== quote) return undefined;
  const end = terminator(code, wordAt + word.length + 1);
  return end === -1 ? undefined : { word, end };
}

/** After a directive's closing quote: spaces, then `;`, or spaces holding a `\n`. -1 when neither. */
function terminator(code: string, at: number): number {
  let newline = false;
  let i = at;
  for (; i < code.length && SPACE.test(code[i] as string); i++) {
    if (code[i] === '\n') newline = true;
  }
  if (code[i] === ';') return i + 1;
  return newline ? i : -1;
}

function skipSpace(code: string, at: number): number {
  let i = at;
  while (i < code.length && SPACE.test(code[i] as string)) i++;
  return i;
}
