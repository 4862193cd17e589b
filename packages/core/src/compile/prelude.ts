/**
 * Insert `prelude` (one line, no line breaks) into `script` without moving any of the script's
 * lines and without breaking what must come first: a UTF-8 BOM is dropped, a hashbang line stays
 * first, and a directive prologue (`'use strict'`, `'use npm'`) stays a prologue, so strict mode
 * and the runtime's directives keep working. The prelude goes right after the prologue, on the same
 * line, so only columns on that one line shift.
 */
export function insertPrelude(script: string, prelude: string): string {
  const source = script.charCodeAt(0) === 0xfeff ? script.slice(1) : script;
  let start = 0;
  if (source.startsWith('#!')) {
    const eol = source.indexOf('\n');
    if (eol === -1) return `${source}\n;${prelude}`;
    start = eol + 1;
  }
  const at = prologueEnd(source, start);
  return `${source.slice(0, at)};${prelude};${source.slice(at)}`;
}

/** Index just after the last directive of the prologue that begins at `from` (or `from` itself). */
function prologueEnd(source: string, from: number): number {
  let end = from;
  let i = from;
  for (;;) {
    i = skipTrivia(source, i);
    const quote = source[i];
    if (quote !== '"' && quote !== "'") return end;
    let j = i + 1;
    while (j < source.length && source[j] !== quote && source[j] !== '\n' && source[j] !== '\\') j++;
    if (source[j] !== quote) return end;
    j++;
    // A directive is a whole statement: the string must be followed by `;` or a line break.
    let k = j;
    while (source[k] === ' ' || source[k] === '\t') k++;
    if (source[k] === ';') end = i = k + 1;
    else if (source[k] === '\n' || source[k] === '\r' || k === source.length) end = i = j;
    else return end;
  }
}

/** Skip whitespace and comments; linear in the input. */
function skipTrivia(source: string, from: number): number {
  let i = from;
  for (;;) {
    const c = source.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff) {
      i++;
    } else if (c === 47 && source.charCodeAt(i + 1) === 47) {
      const eol = source.indexOf('\n', i);
      i = eol === -1 ? source.length : eol;
    } else if (c === 47 && source.charCodeAt(i + 1) === 42) {
      const close = source.indexOf('*/', i + 2);
      i = close === -1 ? source.length : close + 2;
    } else {
      return i;
    }
  }
}
