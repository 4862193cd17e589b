import type { ServerResponse } from 'node:http';
import type { HttpError } from './http-error.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, { code: error.status, error: REASONS[error.status] ?? (error.status >= 500 ? 'Server error.' : 'Error.'), message: error.message }, error.headers);
}

const REASONS: Readonly<Record<number, string>> = {
  400: 'Bad request.',
  401: 'Unauthorized.',
  403: 'Forbidden.',
  404: 'Not found.',
  405: 'Method not allowed.',
  409: 'Conflict.',
  413: 'Payload too large.',
  429: 'Too many requests.',
};
