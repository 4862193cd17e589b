// The directory that holds the ext-compilers packages (`…/packages/` in a checkout,
// `…/node_modules/@ext-compilers/` once installed), from this module's own stack frame: this file
// is `<root><package>/src/…` or, built, `<root><package>/dist/…`. A frame of a file URL (the ESM
// build) is taken without its scheme, so it matches the CommonJS frames of the same files too.
const PACKAGES_ROOT = ((): string | undefined => {
  const frame = new Error().stack?.split('\n')[1] ?? '';
  return /\(?(?:file:\/\/)?((?:[A-Za-z]:)?[\\/][^():]*[\\/])[^\\/():]+[\\/](?:src|dist)[\\/][^():]+:\d+:\d+\)?$/.exec(frame)?.[1];
})();

// A host frame names a file of the server's own install: one of our packages' code (src, dist, bin),
// anything under node_modules (our dependencies, and the modules a webtask uses, which live in the
// server's module store), or Node's own modules (`node:internal/…`, `node:events`).
const HOST_FILE = new RegExp(
  [String.raw`[( ]node:`, String.raw`[\\/]node_modules[\\/]`, ...(PACKAGES_ROOT ? [`${literal(PACKAGES_ROOT)}[^\\\\/]+[\\\\/](?:src|dist|bin)[\\\\/]`] : [])].join('|'),
);

const FRAME = /^\s+at /;

/**
 * A stack as an answer may show it: the message and the frames of the user's code (the webtask's
 * own file, `<anonymous>` built-ins such as `JSON.parse`), without the frames of the server's
 * install (see `HOST_FILE`), whose paths are not the caller's business.
 */
export function userStack(stack: string): string {
  if (!stack.includes('\n')) return stack;
  return stack
    .split('\n')
    .filter((line) => !(FRAME.test(line) && HOST_FILE.test(line)))
    .join('\n');
}

function literal(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
