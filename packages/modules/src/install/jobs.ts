import type { ModuleSpec } from '../parse-spec.ts';
import type { InstallProgress } from '../types.ts';
import type { InstallOutcome } from './install-spec.ts';

export type ProgressListener = (event: InstallProgress) => void;
type Emit = (state: InstallProgress['state'], extra?: { version?: string; message?: string }) => void;

interface Job {
  readonly watchers: { readonly spec: string; readonly listener: ProgressListener }[];
  last: InstallProgress | undefined;
}

/**
 * One install per `name@version-or-range-or-tag` at a time in this process: callers asking for
 * a spec that is being installed wait for that install. Its events go once to the store's
 * listener and to the listener of every caller waiting for it (a late caller first gets the
 * latest event), each with the spec as that caller wrote it.
 */
export function createInstallJobs(
  run: (spec: ModuleSpec, emit: Emit) => Promise<InstallOutcome>,
  storeListener: ProgressListener | undefined,
): (spec: ModuleSpec, listener: ProgressListener | undefined) => Promise<InstallOutcome> {
  const pending = new Map<string, { job: Job; outcome: Promise<InstallOutcome> }>();
  return (spec, listener) => {
    const key = `${spec.name}@${spec.version ?? 'latest'}`;
    const running = pending.get(key);
    if (running !== undefined) {
      if (listener !== undefined) {
        running.job.watchers.push({ spec: spec.spec, listener });
        if (running.job.last !== undefined) notify(listener, { ...running.job.last, spec: spec.spec });
      }
      return running.outcome;
    }
    const job: Job = { watchers: listener === undefined ? [] : [{ spec: spec.spec, listener }], last: undefined };
    const emit: Emit = (state, extra) => {
      const event: InstallProgress = { spec: spec.spec, state, ...extra };
      job.last = event;
      notify(storeListener, event);
      for (const watcher of job.watchers) notify(watcher.listener, { ...event, spec: watcher.spec });
    };
    emit('queued');
    const outcome = run(spec, emit).finally(() => pending.delete(key));
    pending.set(key, { job, outcome });
    return outcome;
  };
}

/** A listener that throws must not break an install that others wait for. */
function notify(listener: ProgressListener | undefined, event: InstallProgress): void {
  try {
    listener?.(event);
  } catch {
    // Progress is advisory; the outcome still reaches every caller.
  }
}

/** At most `limit` of the given tasks run at once, in the order they asked. */
export function createSlots(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next();
    }
  };
}
