import { sendError, sendSuccess } from './envelope.ts';
import type { WebtaskResponse } from '../types.ts';

/** The callback a hook receives: the first completion answers, later ones are ignored. */
export type Reply = (error?: unknown, data?: unknown) => void;

/**
 * A completion for one request. The reference writes a second response when a hook calls back
 * twice (and throws from inside the hook); here the first call wins, and a later one is logged
 * (`console.warn`: the runtime's logs attribute it to the webtask) and otherwise ignored.
 */
export function createReply(res: WebtaskResponse, mapResult: ((data: unknown) => unknown) | undefined): Reply {
  let done = false;
  return (error, data) => {
    if (done) return void console.warn(`The hook completed more than once; the first completion answered and this one is ignored: ${describe(error, data)}`);
    done = true;
    if (error) sendError(res, error);
    else sendSuccess(res, mapResult ? mapResult(data) : data);
  };
}

function describe(error: unknown, data: unknown): string {
  if (error) return `error ${(error as { message?: unknown }).message ?? String(error)}`;
  try {
    const text = JSON.stringify(data) ?? 'undefined';
    return `result ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
  } catch {
    return 'a result that cannot be serialised';
  }
}
