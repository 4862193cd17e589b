import { sendError, sendSuccess } from '../envelope.ts';
import type { WebtaskResponse } from '../types.ts';

/** The callback a hook receives: the first completion answers, later ones are ignored. */
export type Reply = (error?: unknown, data?: unknown) => void;

/**
 * A completion for one request. The reference writes a second response when a hook calls back
 * twice (and throws from inside the hook); here the first call wins and later ones do nothing.
 */
export function createReply(res: WebtaskResponse, mapResult: ((data: unknown) => unknown) | undefined): Reply {
  let done = false;
  return (error, data) => {
    if (done) return;
    done = true;
    if (error) sendError(res, error);
    else sendSuccess(res, mapResult ? mapResult(data) : data);
  };
}
