import { readStream } from '@ext-compilers/core';
import type { PipelineRequest } from '../job/types.ts';

/** Why a body could not be read: answered as is by the pipeline. */
export interface BodyFailure {
  statusCode: number;
  body: Record<string, unknown>;
}

/**
 * Read the whole body as UTF-8 text, up to `limit` bytes (core's `readStream`): over the limit
 * the failure is a 413, a stream error a 400, each with webtask-runtime's body shape.
 */
export function readRequestBody(req: PipelineRequest, limit: number, cb: (failure: BodyFailure | null, raw?: string) => void): void {
  readStream(req, limit, (error, body) => {
    if (error === undefined) return cb(null, (body as Buffer).toString());
    if (error.code === 'ERR_BODY_TOO_LARGE') {
      return cb({ statusCode: 413, body: tooLargeBody(limit) });
    }
    const reason = (error.cause as Error | undefined)?.message ?? error.message;
    cb({ statusCode: 400, body: { code: 400, error: 'Failed to read the request body.', message: reason } });
  });
}

/** webtask-runtime's 413 body, for a body over `limit` bytes. */
export function tooLargeBody(limit: number): { code: 413; error: string; message: string } {
  return { code: 413, error: 'Request body too large.', message: `Request body exceeds the limit of ${limit} bytes.` };
}
