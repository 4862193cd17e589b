import type { IncomingMessage, ServerResponse } from 'node:http';
import { readStream } from '@ext-compilers/core';

/** An answer the server gives as JSON `{ code, error, message }` (the platform's error shape). */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { code: error.status, error: reasonOf(error.status), message: error.message }, error.headers);
}

function reasonOf(status: number): string {
  switch (status) {
    case 400:
      return 'Bad request.';
    case 401:
      return 'Unauthorized.';
    case 403:
      return 'Forbidden.';
    case 404:
      return 'Not found.';
    case 405:
      return 'Method not allowed.';
    case 409:
      return 'Conflict.';
    case 413:
      return 'Payload too large.';
    case 429:
      return 'Too many requests.';
    default:
      return status >= 500 ? 'Server error.' : 'Error.';
  }
}

/** The whole body as bytes, up to `limit` (over it: 413, the rest drained). */
export function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readStream(req, limit, (error, body) => {
      if (!error) return resolve(body as Buffer);
      if (error.code === 'ERR_BODY_TOO_LARGE') reject(new HttpError(413, `Request body size exceeds ${limit} bytes.`));
      else reject(new HttpError(400, error.message));
    });
  });
}

/** A JSON object body (an empty body is `{}`); anything else is a 400. */
export async function readJson(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const raw = await readBytes(req, limit);
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    throw new HttpError(400, 'The request body must be JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** `Authorization: Bearer <token>`, else `?key=<token>` (the platform's two places). */
export function bearerOf(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  return url.searchParams.get('key') ?? undefined;
}
