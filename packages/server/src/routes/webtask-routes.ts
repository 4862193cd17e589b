import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Handler, Routes } from '../http/router.ts';
import { MAX_CODE_SIZE, type StoredData, type WebtaskRecord } from '../store/webtask-store.ts';
import { HttpError } from '../http/http-error.ts';
import { checkSyntax } from '../http/check-syntax.ts';
import { readJson } from '../http/request-body.ts';
import { sendJson } from '../http/answers.ts';
import { installModules } from '../modules/code-installs.ts';
import { type RouteContext, webtaskUrl } from './route-context.ts';

// The JSON of a create/update: the code (up to MAX_CODE_SIZE) plus meta and secrets.
const MAX_PUT_BODY = MAX_CODE_SIZE + 64 * 1024;

/** `/api/webtask/{container}[/{name}[/data]]`: create, read, list, delete webtasks, and their storage; `/api/logs/tenant/{container}`: their logs. */
export function createWebtaskRoutes(ctx: RouteContext): Routes {
  return [
    [['api', 'logs', 'tenant', ':container'], { GET: logs(ctx) }],
    [['api', 'webtask', ':container', ':name', 'data'], { GET: readData(ctx), PUT: writeData(ctx) }],
    [['api', 'webtask', ':container', ':name'], { PUT: put(ctx), GET: get(ctx), DELETE: remove(ctx) }],
    [['api', 'webtask', ':container'], { GET: list(ctx) }],
  ];
}

function summary(ctx: RouteContext, req: IncomingMessage, record: WebtaskRecord): { container: string; name: string; meta: Readonly<Record<string, string>>; webtask_url: string } {
  return {
    container: record.container,
    name: record.name,
    meta: record.meta,
    webtask_url: webtaskUrl(ctx.base(req), record.container, record.name),
  };
}

function put(ctx: RouteContext): Handler {
  return async (req, res, url, [container, name]) => {
    const caller = await ctx.auth.manager(req, url, container!);
    const body = await readJson(req, MAX_PUT_BODY);
    const input = webtaskInput(body);
    if (input.code !== undefined) checkSyntax(input.code, input.meta);
    await ctx.quota.check(container!, name!);
    if (input.code !== undefined && ctx.modules) await installModules(input.code, ctx.modules, ctx.gate, caller);
    const record = await ctx.quota.put(container!, name!, () => ctx.store.put(container!, name!, input));
    ctx.webtasks.forget(container!, name!);
    const answer = summary(ctx, req, record);
    sendJson(res, 200, answer, { location: answer.webtask_url });
  };
}

function get(ctx: RouteContext): Handler {
  return async (req, res, url, [container, name]) => {
    await ctx.auth.manager(req, url, container!);
    const decrypt = flag(url, 'decrypt');
    const record = found(await ctx.store.get(container!, name!, { decrypt }), name!);
    const answer: Record<string, unknown> = { ...summary(ctx, req, record), created_at: record.created_at, updated_at: record.updated_at, secret_names: record.secret_names };
    if (record.url !== undefined) answer.url = record.url;
    if (decrypt) answer.secrets = record.secrets ?? {};
    if (flag(url, 'fetch_code') && record.code !== undefined) answer.code = record.code;
    sendJson(res, 200, answer);
  };
}

function remove(ctx: RouteContext): Handler {
  return async (req, res, url, [container, name]) => {
    await ctx.auth.manager(req, url, container!);
    if (!(await ctx.store.delete(container!, name!))) throw new HttpError(404, `No such webtask: ${name}`);
    ctx.webtasks.forget(container!, name!);
    res.writeHead(204).end();
  };
}

function list(ctx: RouteContext): Handler {
  return async (req, res, url, [container]) => {
    await ctx.auth.manager(req, url, container!);
    const meta = url.searchParams.getAll('meta').map((filter): [string, string] => {
      const colon = filter.indexOf(':');
      if (colon <= 0) throw new HttpError(400, `A meta filter is key:value, not '${filter}'.`);
      return [filter.slice(0, colon), filter.slice(colon + 1)];
    });
    const records = await ctx.store.list(container!, { meta, offset: integer(url, 'offset'), limit: integer(url, 'limit') });
    sendJson(res, 200, records.map((record) => summary(ctx, req, record)));
  };
}

function readData(ctx: RouteContext): Handler {
  return async (req, res, url, [container, name]) => {
    await ctx.auth.manager(req, url, container!);
    sendJson(res, 200, found(await ctx.store.readData(container!, name!), name!));
  };
}

function writeData(ctx: RouteContext): Handler {
  return async (req, res, url, [container, name]) => {
    await ctx.auth.manager(req, url, container!);
    const body = await readJson(req, 600 * 1024);
    if (!('data' in body)) throw new HttpError(400, 'The request body is { data, etag? }.');
    const etag = body.etag;
    if (etag !== undefined && etag !== null && typeof etag !== 'string') throw new HttpError(400, 'etag must be a string or null.');
    const options = { etag: etag as string | null | undefined, containerLimit: ctx.limits.maxContainerStorage };
    let written: StoredData | undefined;
    try {
      written = await ctx.store.writeData(container!, name!, dataOf(body.data), options);
    } catch (error) {
      return conflictAnswer(res, error);
    }
    ctx.webtasks.forget(container!, name!);
    sendJson(res, 200, found(written, name!));
  };
}

/**
 * A conflict's answer carries the current document, `data` and `etag` as a read gives them, for a
 * merge and a retry (as the platform's, and as a webtask's own `set` gives `err.conflict`).
 */
function conflictAnswer(res: ServerResponse, error: unknown): void {
  const { code, message, details } = error as { code?: unknown; message: string; details?: { conflict: unknown; etag: string | null } };
  if (code !== 'ERR_STORAGE_CONFLICT' || details === undefined) throw error;
  sendJson(res, 409, { code: 409, error: 'Conflict.', message, data: details.conflict, etag: details.etag });
}

function logs(ctx: RouteContext): Handler {
  return async (req, res, url, [container]) => {
    await ctx.auth.manager(req, url, container!);
    ctx.hub.subscribe(container!, res);
  };
}

/**
 * The document a `PUT …/data` stores: the platform's clients send it as JSON text (sandboxjs's
 * `updateStorage` sends `JSON.stringify(data)`), ours as a value; text that is not JSON is stored as the string it is.
 */
function dataOf(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

function webtaskInput(body: Record<string, unknown>): { code?: string; url?: string; secrets?: Record<string, string>; meta?: Record<string, string> } {
  const { code, url, secrets, meta } = body;
  if ((code === undefined) === (url === undefined)) throw new HttpError(400, 'Either the code or url option can be specified, but not both.');
  if (code !== undefined && typeof code !== 'string') throw new HttpError(400, 'code must be a string.');
  if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\//i.test(url))) throw new HttpError(400, 'url must be an http(s) URL.');
  if (typeof code === 'string' && Buffer.byteLength(code) > MAX_CODE_SIZE) throw new HttpError(413, `The code exceeds ${MAX_CODE_SIZE} bytes.`);
  return { code: code as string | undefined, url: url as string | undefined, secrets: strings(secrets, 'secrets'), meta: strings(meta, 'meta') };
}

function strings(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((field) => typeof field !== 'string')) {
    throw new HttpError(400, `${name} must be an object of strings.`);
  }
  return value as Record<string, string>;
}

function found<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new HttpError(404, `No such webtask: ${name}`);
  return value;
}

function flag(url: URL, name: string): boolean {
  const value = url.searchParams.get(name);
  return value === 'true' || value === '1';
}

function integer(url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new HttpError(400, `${name} must be a non-negative integer.`);
  return Number(value);
}

