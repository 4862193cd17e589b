import type { CaseCategory, CaseRequest, ConformanceCase, Difference, Expectation, ExpectedResponse, PointName } from '../../types.ts';

export const SECRET = 's3cret';
export const SECRETS: Readonly<Record<string, string>> = { 'auth0-extension-secret': SECRET };
export const COMPILE_FAILED = 'Unable to compile the extensibility code as javascript';
export const NOT_A_FUNCTION = 'Supplied code must return or export a function.';
export const JSON_TYPE: Readonly<Record<string, string>> = { 'content-type': 'application/json' };
export const REMOVE: unique symbol = Symbol('remove');
/** What every point answers to a body that is not an object (or to no body at all). */
export const ROOT = 'Body received by extensibility point is not an object';

/** A POST whose body is `body` as JSON. */
export function post(body: unknown, parseBody: 0 | 1 = 1, headers: Readonly<Record<string, string>> = JSON_TYPE): CaseRequest {
  return { method: 'POST', headers, payload: JSON.stringify(body), parseBody };
}

/** A POST with a raw payload. */
export function postRaw(payload: string, parseBody: 0 | 1, headers: Readonly<Record<string, string>> = JSON_TYPE): CaseRequest {
  return { method: 'POST', headers, payload, parseBody };
}

/** The success envelope; `data` omitted when the hook passed nothing. */
export function ok(data?: unknown): ExpectedResponse {
  const payload: Record<string, unknown> = { statusCode: 200, headers: {}, status: 'success' };
  if (data !== undefined) payload.data = data;
  return { payload };
}

/** The error envelope: `stack` (any string), `message`, and the error's other own properties. */
export function fail(message: string, own: Record<string, unknown> = {}): ExpectedResponse {
  return { payload: { status: 'error', data: { stack: 'any string', message, ...own } } };
}

/** webtask-runtime's own HTTP 500 answer to a synchronous throw out of the webtask function. */
export function runtimeThrow(details: string, own: Record<string, unknown>): ExpectedResponse {
  return {
    statusCode: 500,
    payload: { code: 500, error: 'Script generated an unhandled synchronous exception.', details, ...own },
  };
}

export const UNAUTHORIZED: ExpectedResponse = fail('Unauthorized extensibility point', { statusCode: 500 });

export function answer(...responses: ExpectedResponse[]): Expectation {
  return { kind: 'answer', responses };
}

export const CRASH: Expectation = { kind: 'crash' };

/** The fields of a case, before its id is derived. */
export interface CaseInput {
  readonly title: string;
  readonly category: CaseCategory;
  readonly script: string;
  readonly requests: readonly CaseRequest[];
  readonly expect: Expectation;
  readonly secrets?: Readonly<Record<string, string>>;
  readonly difference?: Difference;
}

/** A maker of cases of one category that each send one request to the same script. */
export function oneRequestCases(
  category: CaseInput['category'],
  script: string,
): (title: string, request: CaseRequest, expect: Expectation, difference?: CaseInput['difference']) => CaseInput {
  return (title, request, expect, difference) => ({ title, category, script, requests: [request], expect, ...(difference ? { difference } : {}) });
}

export function defineCase(point: PointName, input: CaseInput): ConformanceCase {
  return { id: `${point}: ${input.title}`, point, ...input };
}

/** A deep copy of `body` with the field at the dotted `path` set, or removed with `REMOVE`. */
export function withField(body: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let parent = copy;
  for (const key of keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === REMOVE) delete parent[last];
  else parent[last] = value;
  return copy;
}
