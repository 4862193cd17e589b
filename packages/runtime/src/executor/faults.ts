import type { JobResult, JobWebtask } from './types.ts';
import { runtimeErrorAnswer } from '../answers/point-answers.ts';

/** Why the host gave up on a job: every one ends (or ended) the worker or child that ran it. */
export type Fault =
  | { kind: 'timeout'; timeout: number }
  | { kind: 'memory'; limit: number }
  | { kind: 'exit'; code: number | null }
  | { kind: 'crash'; message: string }
  | { kind: 'async'; message: string }
  | { kind: 'closed' };

/** The answer to the faulty request: HTTP 5xx `{ code, error, message }`, or a point's error envelope. */
export function faultResult(fault: Fault, webtask: JobWebtask, sandbox: string): JobResult {
  const { statusCode, body } = runtimeErrorAnswer(webtask.settings.meta, describeFault(fault, sandbox));
  return jsonResult(statusCode, body);
}

function describeFault(fault: Fault, sandbox: string): { code: number; error: string; message: string } {
  switch (fault.kind) {
    case 'timeout':
      return { code: 504, error: 'Script exceeded the execution time limit.', message: `Script exceeded the allowed execution time of ${fault.timeout} ms.` };
    case 'memory':
      return { code: 500, error: 'Script exhausted its memory limit.', message: `The ${sandbox} running the script exceeded its heap limit of ${fault.limit} MB and was stopped.` };
    case 'exit':
      return { code: 500, error: 'Script ended its sandbox.', message: `The ${sandbox} running the script exited (code ${fault.code ?? 'none'}) before the script answered.` };
    case 'crash':
      return { code: 500, error: 'The sandbox crashed.', message: `The ${sandbox} running the script stopped: ${fault.message}` };
    case 'async':
      return { code: 500, error: 'Script generated an unhandled asynchronous exception.', message: fault.message };
    case 'closed':
      return { code: 503, error: 'The executor is closed.', message: 'The server is shutting down.' };
  }
}

/** A complete JSON answer of the executor's own (a fault, a refused body, a protocol error). */
export function jsonResult(statusCode: number, body: unknown): JobResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) };
}
