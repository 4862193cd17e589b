import type { Lru } from '../../compile/cache.ts';
import type { Deadline } from '../../job/deadlines.ts';
import type { LogAccount } from './log-budget.ts';
import type { Transport } from './pool-settings.ts';
import type { ExecutorJob, HostMessage, JobResult, JobWebtask } from '../types.ts';

// The pool's state (a job, a guest, a container's lane) and the choices made over it: which guest
// takes a job, how many are starting, which one makes room.

export interface Pending extends Deadline {
  id: number;
  /** The guest it was sent to. */
  slot: Slot | undefined;
  job: ExecutorJob;
  /** Whether the job's lines are wanted: run in an attributed scope, and a timing entry at the end. */
  log: boolean;
  resolve(result: JobResult): void;
}

/** One guest. It serves its lane's container only, from its start to its end. */
export interface Slot {
  transport: Transport;
  lane: Lane;
  ready: boolean;
  /** Sent and not answered, in order: the first runs, the others wait in the guest. */
  jobs: Pending[];
  /** The job the guest runs or ran last: its lines are attributed to it, whatever the guest says. */
  current: Pending | undefined;
  account: LogAccount | undefined;
  /** Lines received for `current`, counted even when dropped: a flood stops the guest. */
  lines: number;
  /** The webtask objects this guest has been sent whole, by id. */
  known: Lru<JobWebtask>;
  /** Jobs to send at the end of this turn of the event loop, in one message. */
  outbox: HostMessage[];
  /** When it last finished a job (`performance.now()`). */
  used: number;
  /** When its running job started there. */
  began: number;
  /** The job it was asked to give back (unstarted, for a free guest of its container), until it answers or starts it. */
  releasing: number | undefined;
}

/** One container's guests and the jobs that wait for them. */
export interface Lane {
  container: string;
  /** When a job of this container last arrived (`performance.now()`). */
  asked: number;
  slots: Set<Slot>;
  queue: Pending[];
  /** How long its jobs run, in ms (a moving average; undefined until one has ended). */
  took: number | undefined;
}

/** Each ended job's weight in its lane's moving average of run time. */
const TOOK_WEIGHT = 0.2;

/** Count a job of the lane that ran `ms`. */
export function noteRunTime(lane: Lane, ms: number): void {
  lane.took = lane.took === undefined ? ms : lane.took + TOOK_WEIGHT * (ms - lane.took);
}

/** Whether the lane's jobs are known to be quick (under `ms`): only then is one sent ahead to a busy guest, where it waits unstarted. */
export function quickLane(lane: Lane, ms: number): boolean {
  return lane.took !== undefined && lane.took < ms;
}

/** An idle guest of the lane, ready. */
export function idleGuest(lane: Lane): Slot | undefined {
  for (const slot of lane.slots) if (slot.ready && slot.jobs.length === 0) return slot;
  return undefined;
}

/** The lane's ready guest holding the fewest jobs, with room for one more sent ahead. */
export function leastBusyGuest(lane: Lane, prefetch: number): Slot | undefined {
  let best: Slot | undefined;
  for (const slot of lane.slots) {
    if (slot.ready && slot.jobs.length <= prefetch && (!best || slot.jobs.length < best.jobs.length)) best = slot;
  }
  return best;
}

/**
 * The lane's guests holding jobs that have not started, one for each idle guest of the lane (the
 * most loaded first): a job of each is to be asked back, so that no job waits behind a busy guest
 * while another guest of its container is free. Guests already asked are skipped.
 */
export function guestsToRelieve(lane: Lane): Slot[] {
  let idle = 0;
  const loaded: Slot[] = [];
  for (const slot of lane.slots) {
    if (slot.ready && slot.jobs.length === 0) idle++;
    else if (slot.jobs.length > 1 && slot.releasing === undefined) loaded.push(slot);
  }
  return loaded.sort((a, b) => b.jobs.length - a.jobs.length).slice(0, idle);
}

/** How many of `slots` are started and not ready yet. */
export function startingIn(slots: Iterable<Slot>): number {
  let count = 0;
  for (const slot of slots) if (!slot.ready) count++;
  return count;
}

/**
 * The guest to stop to make room for a guest of `except`: the least recently used idle guest of
 * another container — unless its container asked for a job since `askedBefore` (that container
 * keeps its guests) —, else the guest that has been draining (out of its lane) the longest, else
 * none (the new one waits). A draining guest goes last: it runs what its job left behind, whose
 * console lines are still that job's, and stopping it early loses them.
 */
export function roomFor(slots: Iterable<Slot>, except: Lane, askedBefore: number): Slot | undefined {
  let oldest: Slot | undefined;
  let drained: Slot | undefined;
  for (const slot of slots) {
    if (!slot.lane.slots.has(slot)) {
      if (!drained || slot.used < drained.used) drained = slot;
    } else if (slot.lane !== except && slot.ready && slot.jobs.length === 0 && (!oldest || slot.used < oldest.used)) oldest = slot;
  }
  return oldest && oldest.lane.asked < askedBefore ? oldest : drained;
}
