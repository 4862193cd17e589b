/** Where a command writes: stdout for results (what a script reads), stderr for notes and errors. */
export function out(line = ''): void {
  write(process.stdout, `${line}\n`);
}

export function note(line: string): void {
  write(process.stderr, `${line}\n`);
}

/** Rows of cells, each column padded to its widest cell; the last column is never padded. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

const closed = new Set<NodeJS.WriteStream>();
const stops = new Set<() => void>();
let watching = false;

function write(stream: NodeJS.WriteStream, text: string): void {
  if (!closed.has(stream)) stream.write(text);
}

/**
 * A reader that goes away (`ext-compilers ls | head -1`) ends the command quietly, exit 0: what
 * it wanted has been read, and a stack about EPIPE would only hide it. A command waiting in
 * {@link onOutputClosed} (a server) is stopped as on Ctrl-C instead, so that it still stops cleanly.
 * Any other error of stdout or stderr is thrown, as Node does when nothing listens.
 */
export function exitQuietlyOnClosedOutput(): void {
  if (watching) return;
  watching = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      closed.add(stream);
      if (stops.size === 0) process.exit(0);
      for (const stop of stops) stop();
    });
  }
}

/** Run `stop` (once) if stdout or stderr loses its reader, until the function returned is called. */
export function onOutputClosed(stop: () => void): () => void {
  const once = () => (stops.delete(once), stop());
  stops.add(once);
  return () => void stops.delete(once);
}
