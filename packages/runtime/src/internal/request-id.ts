/** A request id in the platform's shape: milliseconds, a dot, five digits (`1508272265633.92777`). Not a secret. */
export function requestId(): string {
  return `${Date.now()}.${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}`;
}
