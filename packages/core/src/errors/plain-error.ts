/**
 * An Error built by the toolkit itself (validation, authorization, compile failure). Its stack is
 * reduced to the first line: these errors travel in the envelope, and the frames would only show
 * the server's own paths (see docs/compatibility.md).
 */
export function plainError<T extends Error = Error>(message: string, Base: new (message: string) => T = Error as never): T {
  const error = new Base(message);
  error.stack = `${error.name}: ${message}`;
  return error;
}

/** The part of a stack before its first frame: for a compile error, the location and the message. */
export function stackHeader(stack: unknown, fallback: string): string {
  if (typeof stack !== 'string') return fallback;
  const frame = stack.search(/\n {4}at /);
  return frame === -1 ? stack : stack.slice(0, frame);
}
