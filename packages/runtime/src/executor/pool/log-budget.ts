import type { LogEntry } from '../types.ts';

/** Console lines and bytes one job may log. */
export interface LogBudget {
  lines: number;
  bytes: number;
}

export const DEFAULT_LOG_BUDGET: LogBudget = { lines: 1000, bytes: 1024 * 1024 };

/**
 * What one job has logged so far. A line within the budget passes; the first one past it is
 * replaced by one line saying the rest is dropped; later ones are dropped. A flood costs the host
 * a count per line, never a publish.
 */
export class LogAccount {
  #lines = 0;
  #bytes = 0;
  readonly #budget: LogBudget;

  constructor(budget: LogBudget) {
    this.#budget = budget;
  }

  /** The entry to publish for `entry`: itself, the one "truncated" line, or `undefined` (dropped). */
  take(entry: LogEntry): LogEntry | undefined {
    const { lines, bytes } = this.#budget;
    if (this.#lines > lines) return undefined;
    this.#lines++;
    this.#bytes += entry.message.length;
    if (this.#lines <= lines && this.#bytes <= bytes) return entry;
    this.#lines = lines + 1;
    return { ...entry, level: 'warn', message: `Log output truncated: this run passed its budget of ${lines} lines or ${bytes} bytes; further lines are dropped.` };
  }
}

/** A budget option checked: positive integers, or the default. */
export function logBudgetOf(budget: LogBudget | undefined): LogBudget {
  if (budget === undefined) return DEFAULT_LOG_BUDGET;
  const { lines, bytes } = budget;
  if (!Number.isInteger(lines) || lines < 1 || !Number.isInteger(bytes) || bytes < 1) throw new TypeError('The log budget is { lines, bytes }, positive integers');
  return { lines, bytes };
}
