import { ExtCompilersError } from '@ext-compilers/core';
import {
  DEFAULT_LIST_LIMIT,
  type GetOptions,
  type ListOptions,
  MAX_CODE_SIZE,
  MAX_LIST_LIMIT,
  type WebtaskInput,
  type WriteDataOptions,
} from '../webtask-store.ts';

// The platform's container and webtask names. `.` and `..` match the pattern but name directories
// in URLs and paths, so they are refused wherever a name could become one.
const NAME = /^[-a-z0-9._~!$+=:@]{1,64}$/i;

/** A webtask's content once checked: exactly one of code and url; own, string-valued maps. */
export interface CheckedInput {
  readonly code: string | undefined;
  readonly url: string | undefined;
  readonly secrets: Readonly<Record<string, string>>;
  readonly meta: Readonly<Record<string, string>>;
}

export interface CheckedList {
  readonly meta: ReadonlyArray<readonly [string, string]>;
  readonly offset: number;
  readonly limit: number;
}

// Names, inputs and options come from HTTP requests, so they fail with a code the server can turn
// into a 400, not with the TypeError of a programming mistake.
function usage(message: string, details: Record<string, unknown>): ExtCompilersError {
  return new ExtCompilersError('ERR_STORAGE_USAGE', message, { details });
}

/** Throws unless `value` is a valid container or webtask name. */
export function checkName(field: 'container' | 'name', value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value) || value === '.' || value === '..') {
    throw usage(`Invalid ${field} ${JSON.stringify(value)}: 1 to 64 of a-z, 0-9 and -._~!$+=:@`, { field, value });
  }
  return value;
}

export function checkInput(input: WebtaskInput): CheckedInput {
  if (typeof input !== 'object' || input === null) throw usage('A webtask is an object with code or url', { field: 'input' });
  const { code, url } = input;
  if (code !== undefined && url !== undefined) throw usage('Either the code or url option can be specified, but not both', { field: 'code' });
  if (code === undefined && url === undefined) throw usage('A webtask needs code or a url', { field: 'code' });
  if (code !== undefined) checkCode(code);
  if (url !== undefined && !isHttpUrl(url)) throw usage('A webtask url must be an http(s) URL', { field: 'url' });
  return { code, url, secrets: stringMap('secrets', input.secrets), meta: stringMap('meta', input.meta) };
}

function checkCode(code: unknown): void {
  if (typeof code !== 'string') throw usage('A webtask code must be a string', { field: 'code' });
  const size = Buffer.byteLength(code);
  // The server answers 413 Payload Too Large for this code, as the platform does.
  if (size > MAX_CODE_SIZE) {
    throw new ExtCompilersError('ERR_BODY_TOO_LARGE', `Webtask code of ${size} bytes exceeds the limit of ${MAX_CODE_SIZE} bytes`, {
      details: { limit: MAX_CODE_SIZE, size },
    });
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

// Object.fromEntries defines own properties, so a key such as `__proto__` stays a plain key.
function stringMap(field: 'secrets' | 'meta', value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usage(`${field} must be an object of strings`, { field });
  const entries = Object.entries(value);
  for (const [key, item] of entries) {
    if (key === '' || typeof item !== 'string') throw usage(`${field}.${key} must be a string under a non-empty key`, { field, key });
  }
  return Object.freeze(Object.fromEntries(entries));
}

export function checkGet(options: GetOptions | undefined): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null) throw usage('get() options must be an object', { field: 'options' });
  if (options.decrypt !== undefined && typeof options.decrypt !== 'boolean') throw usage('decrypt must be a boolean', { field: 'decrypt' });
  return options.decrypt === true;
}

export function checkList(options: ListOptions | undefined): CheckedList {
  const { meta = [], offset = 0, limit = DEFAULT_LIST_LIMIT } = options ?? {};
  if (!Array.isArray(meta) || !meta.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'))) {
    throw usage('meta filters are [key, value] pairs of strings', { field: 'meta' });
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw usage('offset must be a non-negative integer', { field: 'offset', value: offset });
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw usage(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`, { field: 'limit', value: limit });
  }
  return { meta, offset, limit };
}

export function checkWriteData(options: WriteDataOptions | undefined): WriteDataOptions {
  const { etag, force, containerLimit, generation } = options ?? {};
  if (etag !== undefined && etag !== null && typeof etag !== 'string') throw usage('etag must be a string or null', { field: 'etag' });
  if (generation !== undefined && typeof generation !== 'string') throw usage('generation must be a string', { field: 'generation' });
  if (force !== undefined && typeof force !== 'boolean') throw usage('force must be a boolean', { field: 'force' });
  if (containerLimit !== undefined && !(Number.isSafeInteger(containerLimit) && containerLimit >= 0)) {
    throw usage('containerLimit must be a non-negative integer', { field: 'containerLimit' });
  }
  return { etag, force, containerLimit, generation };
}

/** Whether `meta` has every `[key, value]` of `filters`. */
export function matchesMeta(meta: Readonly<Record<string, string>>, filters: ReadonlyArray<readonly [string, string]>): boolean {
  return filters.every(([key, value]) => Object.hasOwn(meta, key) && meta[key] === value);
}
