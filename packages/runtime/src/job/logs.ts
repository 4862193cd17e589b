import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import type { LogEntry, LogLevel, LogSink } from '../executor/types.ts';
import type { Logger } from '@ext-compilers/core';

/** The longest `LogEntry.message`, in UTF-16 code units: past it, the message is cut and ends with `…`. */
const MAX_LOG_MESSAGE = 8192;

/** The job whose code is running, and where its lines go. */
export interface JobScope {
  webtask: string;
  requestId: string;
  onLog: LogSink;
}

// A job's scope follows its timers and promises, so a line logged after the answer still names
// its webtask and request.
const scopes = new AsyncLocalStorage<JobScope | undefined>();

/**
 * How long after its answer the work a job left behind (a timer, a promise) still logs as that
 * job's, in ms: the pools give a guest whose job left work behind this long before stopping it.
 */
export const LATE_LINES_GRACE = 2000;

let scopedJobs = 0;
// When the last scoped job answered (performance.now()).
let lastAnswered = Number.NEGATIVE_INFINITY;

/** Run `work` in a job's scope: its console lines (and those of what it starts) go to the scope's sink. */
export function inJobScope<T>(scope: JobScope, work: () => Promise<T>): Promise<T> {
  scopedJobs++;
  const result = scopes.run(scope, work);
  void result.finally(() => {
    scopedJobs--;
    lastAnswered = performance.now();
  });
  return result;
}

/**
 * Run `work` outside any job's scope. Once used, the scopes' hooks cost every promise of the
 * process something: with no scoped job left, they are turned off until a job wants them again —
 * but not within LATE_LINES_GRACE of the last scoped job's answer: turned off, they would lose the
 * scope of that job's leftover work, whose lines would no longer be its.
 */
export function unscoped<T>(work: () => T): T {
  if (scopedJobs === 0 && performance.now() - lastAnswered >= LATE_LINES_GRACE) scopes.disable();
  return work();
}

/** Deliver a line to the job running now, if any: whether there was one. */
export function logToJob(level: LogLevel, args: unknown[]): boolean {
  const scope = scopes.getStore();
  if (!scope) return false;
  deliver(scope.onLog, logEntry(level, args, scope));
  return true;
}

/** A logger whose lines go to the running job's sink, or to `fallback` outside any job. */
export function scopedLogger(fallback: LogSink): Logger {
  const emit =
    (level: LogLevel) =>
    (...args: unknown[]): void =>
      void (logToJob(level, args) || deliver(fallback, logEntry(level, args, undefined)));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

// Outside any scope, it and what it starts: a sink that logs to the console itself must not feed
// its own lines back. (A run with no store rather than exit(), which toggles the async hooks.)
function deliver(sink: LogSink, entry: LogEntry): void {
  scopes.run(undefined, sink, entry);
}

function logEntry(level: LogLevel, args: unknown[], scope: JobScope | undefined): LogEntry {
  const text = format(...args);
  return { time: new Date().toISOString(), level, webtask: scope?.webtask, requestId: scope?.requestId, message: text.length > MAX_LOG_MESSAGE ? cut(text) : text };
}

function cut(text: string): string {
  let end = MAX_LOG_MESSAGE - 1;
  const last = text.charCodeAt(end - 1);
  // Never half a surrogate pair.
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

const CONSOLE_LEVELS = [
  ['log', 'info'],
  ['info', 'info'],
  ['debug', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
] as const;

type ConsoleRoute = (level: LogLevel, args: unknown[], original: (...args: unknown[]) => void) => void;

/**
 * Replace console's `log`, `info`, `debug`, `warn` and `error` with `route`. The function returned
 * puts back the originals of the methods still ours (someone may have patched over them since).
 */
export function patchConsole(route: ConsoleRoute): () => void {
  const restores = CONSOLE_LEVELS.map(([method, level]) => {
    const original = console[method];
    const patched = (...args: unknown[]): void => route(level, args, original);
    console[method] = patched;
    return () => {
      if (console[method] === patched) console[method] = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

