import type { JobResult, LogEntry } from '../executor/types.ts';

/** The log entry each finished request adds: where its time went. */
export function timingEntry(webtask: string, requestId: string | undefined, timing: NonNullable<JobResult['timing']>): LogEntry {
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  return {
    time: new Date().toISOString(),
    level: 'info',
    webtask,
    requestId,
    message: `${requestId === undefined ? 'Request' : `Request ${requestId}`} done: compile ${ms(timing.compile)}, module load ${ms(timing.modules)}, user code ${ms(timing.user)}`,
    timing,
  };
}
