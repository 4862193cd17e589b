// A point's compiler answers errors in its envelope, with HTTP 200; the platform's callers read
// `status`, so a runtime's own error answer for such a webtask (a timeout, a fault of its sandbox)
// takes the same shape (auth0-ext-compilers').
const POINT_COMPILER = /^(?:auth0-)?ext-compilers\/(?:actions\/)?[^/]+$/;

/** Whether `meta['wt-compiler']` names one of our extensibility-point compilers. */
function isPointWebtask(meta: Readonly<Record<string, string | undefined>>): boolean {
  return POINT_COMPILER.test(meta['wt-compiler'] ?? '');
}

/** The runtime's error `{ code, error, message }` as the status and body a webtask of `meta` answers. */
export function runtimeErrorAnswer(meta: Readonly<Record<string, string | undefined>>, body: { code: number; error: string; message: string }): { statusCode: number; body: unknown } {
  const { code, error, message } = body;
  return isPointWebtask(meta) ? { statusCode: 200, body: { status: 'error', data: { message, error, code } } } : { statusCode: code, body };
}
