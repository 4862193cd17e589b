import { type ErrorAnswer, type Fault, faultAnswer } from '../answers/answers.ts';
import type { JobResult, JobWebtask } from './types.ts';

/** The answer to the request a fault ended, as a job's result. */
export function faultResult(fault: Fault, webtask: JobWebtask, sandbox: string): JobResult {
  const result = jsonResult(faultAnswer(webtask.settings.meta, fault, sandbox));
  if (fault.kind === 'busy') result.headers['retry-after'] = '1';
  return result;
}

/** A complete JSON result of the executor's own (a fault, a refused body, a protocol error). */
export function jsonResult({ statusCode, body }: ErrorAnswer): JobResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
