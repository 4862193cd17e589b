import { parse as parseQuerystring } from 'node:querystring';
import { ExtCompilersError } from '@ext-compilers/core';
import { createStorage, type WebtaskStorage } from './create-storage.ts';
import { isPlainObject } from './request/plain-object.ts';
import { requestId } from './request/id.ts';

type Dictionary = Record<string, unknown>;

export interface CreateContextOptions {
  /** The parsed query string; `webtask_*` keys are left out of `ctx.query` and `ctx.data`. */
  query?: Dictionary | undefined;
  secrets?: Record<string, string> | undefined;
  params?: Dictionary | undefined;
  meta?: Record<string, string> | undefined;
  /** Request headers; their names are lower-cased. */
  headers?: Record<string, string | string[] | undefined> | undefined;
  /** The raw request body: parsed by its content type into `ctx.body`, kept as `ctx.body_raw`. */
  body?: string | undefined;
  /** Merge the parsed body into `ctx.data`, over query, params and secrets (`mb`). */
  mergeBody?: boolean | number | undefined;
  /** The request id (`ctx.id`); a fresh one when missing. */
  reqId?: string | undefined;
  token?: string | undefined;
  /** The storage; a new in-memory one (seeded with `initialStorageData`) when missing. */
  storage?: WebtaskStorage | undefined;
  initialStorageData?: unknown;
}

/** The webtask context, `ctx`. */
export interface WebtaskContext {
  query: Dictionary;
  secrets: Record<string, string>;
  params: Dictionary;
  meta: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  body_raw?: string;
  data: Dictionary;
  id: string;
  token: string | undefined;
  storage: WebtaskStorage;
  create_token(...args: unknown[]): never;
  create_token_url(...args: unknown[]): never;
  [key: string]: unknown;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]*\+)?json$/;

/**
 * Build a webtask context. `ctx.data` holds query, params and secrets, then, when `mergeBody` is
 * set, the parsed body's keys, which win (the platform's documented order). A body that does not
 * parse leaves `ctx.body` undefined.
 */
export function createContext(options: CreateContextOptions = {}): WebtaskContext {
  const query = withoutWebtaskKeys(options.query);
  const secrets = copy(options.secrets) as Record<string, string>;
  const params = copy(options.params);
  const headers = lowerCased(options.headers);
  const data = copy(query, params, secrets);
  const ctx = {
    query,
    secrets,
    params,
    meta: copy(options.meta),
    headers,
    data,
    id: options.reqId ?? requestId(),
    token: options.token,
    storage: options.storage ?? createStorage({ initialData: options.initialStorageData }),
    create_token: createTokenNotSupported,
    create_token_url: createTokenUrlNotSupported,
  } as WebtaskContext;
  if (options.body) {
    ctx.body_raw = options.body;
    ctx.body = parseBody(options.body, headers['content-type']);
    if (options.mergeBody && isPlainObject(ctx.body)) assignAll(data, ctx.body);
  }
  return ctx;
}

function parseBody(raw: string, contentType: string | string[] | undefined): unknown {
  // A body without a content type is tried as JSON, as webtask-runtime (whose context defaults it).
  const mediaType = String(contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  try {
    if (JSON_MEDIA_TYPE.test(mediaType)) return JSON.parse(raw);
    if (mediaType === 'application/x-www-form-urlencoded') return copy(parseQuerystring(raw));
  } catch {
    // The platform ignores a body that does not parse: ctx.body stays undefined.
  }
  return undefined;
}

function withoutWebtaskKeys(query: Dictionary | undefined): Dictionary {
  const result: Dictionary = {};
  for (const key in query) if (!key.startsWith('webtask_')) define(result, key, query[key]);
  return result;
}

function lowerCased(headers: CreateContextOptions['headers']): Record<string, string | string[] | undefined> {
  const result: Record<string, string | string[] | undefined> = {};
  for (const key in headers) define(result, key.toLowerCase(), headers[key]);
  return result;
}

function copy(...sources: (Dictionary | undefined)[]): Dictionary {
  const result: Dictionary = {};
  for (const source of sources) if (source) assignAll(result, source);
  return result;
}

function assignAll(target: Dictionary, source: object): void {
  for (const key of Object.keys(source)) define(target, key, (source as Dictionary)[key]);
}

// A key such as `__proto__` from a query string or a JSON body must become a property, never a prototype.
function define(target: Dictionary, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function notSupported(name: string): () => never {
  return () => {
    throw new ExtCompilersError('ERR_NOT_SUPPORTED', `The '${name}' method is not supported in this environment`);
  };
}

// Stateless, so one pair serves every context instead of two new closures per request.
const createTokenNotSupported = notSupported('create_token');
const createTokenUrlNotSupported = notSupported('create_token_url');
