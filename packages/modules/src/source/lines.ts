// ECMAScript's line terminators, as acorn counts them for its error positions.
const LINE_BREAK = /\r\n?|[\n\u2028\u2029]/g;

/** Maps offsets to 1-based lines and 0-based columns; built once per script, O(log n) a lookup. */
export function lineIndex(code: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (const match of code.matchAll(LINE_BREAK)) starts.push(match.index + match[0].length);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) };
  };
}
