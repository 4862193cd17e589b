// Requests in the same millisecond share the prefix's string (made once per millisecond).
let lastMs = 0;
let prefix = '';

/** A request id in the platform's shape: milliseconds, a dot, five digits (`1508272265633.92777`). Not a secret. */
export function requestId(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    prefix = `${now}.`;
  }
  return prefix + String(100000 + Math.floor(Math.random() * 100000)).slice(1);
}
