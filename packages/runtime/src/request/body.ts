import { readStream } from '@ext-compilers/core';
import { type ErrorAnswer, tooLargeAnswer, unreadableBodyAnswer } from '../answers/answers.ts';
import type { PipelineRequest } from '../job/types.ts';

/**
 * Read the whole body as UTF-8 text, up to `limit` bytes (core's `readStream`): over the limit
 * the failure is a 413, a stream error a 400, each with webtask-runtime's body shape.
 */
export function readRequestBody(req: PipelineRequest, limit: number, cb: (failure: ErrorAnswer | null, raw?: string) => void): void {
  readStream(req, limit, (error, body) => {
    if (error === undefined) return cb(null, (body as Buffer).toString());
    if (error.code === 'ERR_BODY_TOO_LARGE') {
      return cb(tooLargeAnswer(limit));
    }
    const reason = (error.cause as Error | undefined)?.message ?? error.message;
    cb(unreadableBodyAnswer(reason));
  });
}
