import type { IncomingMessage } from 'node:http';
import { readStream } from '@ext-compilers/core';
import { errorStatus } from './error-status.ts';
import { HttpError } from './http-error.ts';

/** The whole body as bytes, up to `limit` (over it: 413, the rest drained). */
export function readBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    readStream(req, limit, (error, body) => {
      if (!error) return resolve(body as Buffer);
      const message = error.code === 'ERR_BODY_TOO_LARGE' ? `Request body size exceeds ${limit} bytes.` : error.message;
      reject(new HttpError(errorStatus(error), message));
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
