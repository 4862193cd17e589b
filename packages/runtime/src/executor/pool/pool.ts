import { availableParallelism } from 'node:os';
import type { Fault } from '../../answers/answers.ts';
import { faultResult } from '../results.ts';
import { answerStorage } from '../../storage/proxy.ts';
import { documentOf } from '../../storage/handle.ts';
import { createLru } from '../../compile/cache.ts';
import { DeadlineList } from '../../job/deadlines.ts';
import { LATE_LINES_GRACE } from '../../job/logs.ts';
import { timingEntry } from '../../job/timing-entry.ts';
import { requestId } from '../../request/id.ts';
import { EXECUTOR_WEBTASKS } from '../webtasks.ts';
import { serveByRunning } from '../host-request.ts';
import { checkLog, checkResult, checkStorage, messageType } from './guest-messages.ts';
import { LogAccount } from './log-budget.ts';
import { guestsToRelieve, idleGuest, type Lane, leastBusyGuest, noteRunTime, type Pending, quickLane, roomFor, type Slot, startingIn } from './lanes.ts';
import type { PoolSettings, Spawn } from './pool-settings.ts';
import type { Executor, ExecutorJob, GuestMessage, HostMessage, JobResult } from '../types.ts';


// The guest's own pipeline answers a webtask that never calls back with its 504 at `timeout` and
// keeps the worker; the host stops the worker only when that answer does not come (a busy loop).
const KILL_GRACE = 100;

// The host counts a webtask as known to a guest in an LRU half that size, touched in the order the
// guest receives the same jobs: what the host counts as known is always still in the guest.
const HOST_KNOWN = EXECUTOR_WEBTASKS / 2;

// Guests starting at once, in all; and how recently a container must have asked for a job for its
// idle guests to be kept when another container needs room.
const MAX_STARTING = Math.max(1, Math.floor(availableParallelism() / 2));
const BUSY_WINDOW = 50;
// A job running for less than this is taken as a quick one: the next job of a container whose jobs
// are quick is sent ahead to its guest rather than wait for a guest to start (tens of ms at best).
// A container whose jobs take longer never has one sent ahead: each waits for a free guest.
const FRESH_JOB = 20;

// A guest that sends this many times its job's line budget is flooding the host: stopped.
const FLOOD_FACTOR = 10;

// How long a guest whose job left work behind may finish it (its lines still attributed to that
// job) before it is stopped; it never serves again. It counts against the pool's size meanwhile.
const DRAIN_GRACE = LATE_LINES_GRACE;

/**
 * A pool of guests (worker threads or child processes), each serving one container for its whole
 * life. A job goes to an idle guest of its container; else a new guest is started for it (within
 * the container's share and the pool's size, stopping the least recently used idle guest of
 * another container to make room); else it is sent ahead (`prefetch`) to its container's least
 * busy guest; else it waits in its container's bounded queue (past it: 429). A guest that runs
 * past the time limit, exhausts its memory, exits, crashes or sends a malformed message is
 * stopped: the job it was running gets the fault's answer, and the jobs waiting in it (none of
 * which had started) run elsewhere. A guest whose job left work behind is stopped after answering.
 */
export function createPool(spawn: Spawn, settings: PoolSettings, sandbox: string): Executor {
  const pool = new Pool(spawn, settings, sandbox);
  return {
    serve: (job, req, res) => serveByRunning((one, resolve) => pool.submit(one, resolve), job, req, res),
    run: (job) => new Promise((resolve) => pool.submit(job, resolve)),
    close: () => pool.close(),
  };
}

class Pool {
  readonly slots: Set<Slot> = new Set();
  /** Lanes with guests or queued jobs; those with queued jobs are served in the order they queued. */
  readonly lanes: Map<string, Lane> = new Map();
  readonly waiting: Set<Lane> = new Set();
  #nextId = 1;
  #closed = false;
  // Jobs dispatched in one turn (a burst of requests) cross to each guest in one message.
  #flushing = false;
  // The time limit of the job a guest is running, from when it started there: one deadline list.
  readonly #limits: DeadlineList<Pending> | undefined;
  readonly #spawn: Spawn;
  readonly #settings: PoolSettings;
  readonly #sandbox: string;

  constructor(spawn: Spawn, settings: PoolSettings, sandbox: string) {
    this.#spawn = spawn;
    this.#settings = settings;
    this.#sandbox = sandbox;
    const { timeout } = settings;
    this.#limits = timeout > 0 && Number.isFinite(timeout) ? new DeadlineList<Pending>(timeout + KILL_GRACE, (pending) => this.#expired(pending)) : undefined;
  }

  /** A job into its container's queue; `resolve` gets its result (or the pool's fault answer). */
  submit(job: ExecutorJob, resolve: (result: JobResult) => void): void {
    if (this.#closed) return resolve(this.#faultResult({ kind: 'closed' }, job));
    const lane = this.#lane(job.webtask.settings.container ?? '');
    lane.asked = performance.now();
    if (lane.queue.length >= this.#settings.containerQueue && !idleGuest(lane)) return resolve(this.#faultResult({ kind: 'busy', queue: lane.queue.length }, job));
    const log = this.#settings.onLog !== undefined && (this.#settings.logWanted?.(job.webtask) ?? true);
    // The host names each request, so that it, not the guest, says which request a line belongs to.
    const named = job.request.id === undefined ? { ...job, request: { ...job.request, id: requestId() } } : job;
    lane.queue.push({ id: this.#nextId++, slot: undefined, job: named, log, resolve, due: 0, prev: undefined, next: undefined, listed: false });
    this.waiting.add(lane);
    this.#dispatch();
  }

  /** Stop every guest; every job not answered yet gets the `closed` answer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const lane of this.lanes.values()) {
      for (const pending of lane.queue.splice(0)) pending.resolve(this.#faultResult({ kind: 'closed' }, pending.job));
    }
    const stopping = [...this.slots].map((slot) => {
      this.#forget(slot);
      for (const pending of slot.jobs.splice(0)) {
        this.#limits?.remove(pending);
        pending.resolve(this.#faultResult({ kind: 'closed' }, pending.job));
      }
      return slot.transport.kill();
    });
    await Promise.all(stopping);
  }

  #lane(container: string): Lane {
    let lane = this.lanes.get(container);
    if (!lane) this.lanes.set(container, (lane = { container, asked: 0, slots: new Set(), queue: [], took: undefined }));
    return lane;
  }

  /** Queued jobs to guests, one job per container in turn, so that no busy container starves another. */
  #dispatch(): void {
    let placed = true;
    while (placed) {
      placed = false;
      // Placing never adds a lane to `waiting`, and deleting the one visited is safe in a Set.
      for (const lane of this.waiting) {
        if (lane.queue.length === 0) this.waiting.delete(lane);
        else if (this.#place(lane)) placed = true;
      }
    }
  }

  /** Give the lane's first queued job a guest, or arrange one for it; false when it must wait. */
  #place(lane: Lane): boolean {
    const idle = idleGuest(lane);
    if (idle) return this.#send(idle, lane.queue.shift()!), true;
    const busy = quickLane(lane, FRESH_JOB) ? leastBusyGuest(lane, this.#settings.prefetch) : undefined;
    // A guest may start for the container either way; but a guest whose quick job has only just
    // started will likely be free before a new one is ready, so the job goes to it rather than wait.
    const growing = this.#grow(lane);
    if (busy && (!growing || performance.now() - busy.began < FRESH_JOB)) return this.#send(busy, lane.queue.shift()!), true;
    return false;
  }



  /**
   * Whether the lane's queued jobs will get a guest without being sent ahead to a busy one: guests
   * starting for it already, or one started now — within its share, making room if the pool is
   * full by stopping the least recently used idle guest of another container (never one of a
   * container that asked for a job within BUSY_WINDOW: the new one waits instead).
   */
  #grow(lane: Lane): boolean {
    const starting = startingIn(lane.slots);
    if (starting >= lane.queue.length) return true;
    if (this.#closed || lane.slots.size >= this.#settings.containerGuests) return false;
    // Starting a guest takes a core for tens of ms: a few at a time, so running guests keep theirs.
    if (startingIn(this.slots) >= MAX_STARTING) return starting > 0;
    if (this.slots.size >= this.#settings.size && !this.#evict(lane)) return false;
    this.#start(lane);
    return true;
  }


  #evict(except: Lane): boolean {
    const room = roomFor(this.slots, except, performance.now() - BUSY_WINDOW);
    if (room) this.#retire(room);
    return room !== undefined;
  }

  #start(lane: Lane): void {
    const slot: Slot = { transport: this.#spawn(lane.container), lane, ready: false, jobs: [], current: undefined, account: undefined, lines: 0, known: createLru(HOST_KNOWN), outbox: [], used: performance.now(), began: 0, releasing: undefined };
    this.slots.add(slot);
    lane.slots.add(slot);
    slot.transport.onMessage((message) => this.#receive(slot, message));
    slot.transport.onExit((fault) => {
      if (this.slots.has(slot)) this.#fail(slot, fault);
    });
  }

  #send(slot: Slot, pending: Pending): void {
    pending.slot = slot;
    slot.jobs.push(pending);
    const { webtask, request } = pending.job;
    const known = slot.known.get(webtask.id) === webtask;
    if (!known) slot.known.set(webtask.id, webtask);
    this.#post(slot, { type: 'run', id: pending.id, webtask: known ? webtask.id : webtask, request, log: pending.log });
    if (slot.jobs.length === 1) this.#begin(slot);
  }

  /** A message to the guest, sent at the end of this turn with the others. */
  #post(slot: Slot, message: HostMessage): void {
    slot.outbox.push(message);
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => this.#flush());
    }
  }

  /** Ask busy guests of the lane for a job each that has not started, one per idle guest of the lane. */
  #relieve(lane: Lane): void {
    for (const slot of guestsToRelieve(lane)) {
      slot.releasing = slot.jobs.at(-1)!.id;
      this.#post(slot, { type: 'release', id: slot.releasing });
    }
  }

  /** The guest gave back a job it had not started: to the front of its container's queue. */
  #released(slot: Slot, id: unknown): void {
    // A guest out of its lane (recycled) had its unstarted jobs requeued already.
    if (!slot.lane.slots.has(slot)) return;
    const at = slot.releasing === id ? slot.jobs.findIndex((pending) => pending.id === id) : -1;
    if (at < 1) return this.#fail(slot, { kind: 'protocol', message: 'it gave back a job it was not asked for' });
    slot.releasing = undefined;
    const [pending] = slot.jobs.splice(at, 1);
    pending!.slot = undefined;
    this.#requeue(slot.lane, [pending!]);
    this.#dispatch();
  }

  #flush(): void {
    this.#flushing = false;
    for (const slot of this.slots) {
      if (slot.outbox.length === 0) continue;
      const messages = slot.outbox;
      slot.outbox = [];
      slot.transport.send(messages.length === 1 ? messages[0]! : messages);
    }
  }

  /** The guest's first job starts: its time limit runs, and the guest's lines are now its. */
  #begin(slot: Slot): void {
    const running = slot.jobs[0]!;
    slot.current = running;
    if (slot.releasing === running.id) slot.releasing = undefined;
    slot.account = new LogAccount(this.#settings.logBudget);
    slot.lines = 0;
    slot.began = performance.now();
    this.#limits?.add(running, slot.began);
  }

  #expired(pending: Pending): void {
    if (pending.slot?.jobs[0] === pending) this.#fail(pending.slot, { kind: 'timeout', timeout: this.#settings.timeout });
  }

  #fail(slot: Slot, fault: Fault): void {
    const [running, ...waiting] = slot.jobs;
    slot.jobs = [];
    slot.outbox = [];
    if (running) {
      noteRunTime(slot.lane, performance.now() - slot.began);
      this.#limits?.remove(running);
      this.#settings.logger.error(`Webtask fault in a ${this.#sandbox}: ${fault.kind}`);
      running.resolve(this.#faultResult(fault, running.job));
    } else if (!slot.ready && this.slots.has(slot)) {
      // A guest that cannot even start fails the oldest waiting job, so a broken entry answers instead of respawning forever.
      const first = slot.lane.queue.shift();
      first?.resolve(this.#faultResult(fault, first.job));
    }
    this.#requeue(slot.lane, waiting);
    this.#retire(slot);
    this.#dispatch();
  }

  /** Jobs a stopped guest held unstarted go back to the front of their queue, in order. */
  #requeue(lane: Lane, jobs: Pending[]): void {
    if (jobs.length === 0) return;
    lane.queue.unshift(...jobs);
    this.waiting.add(lane);
  }

  /** Out of its container's guests at once, its unstarted jobs to another; stopped after the grace (or sooner, to make room). */
  #drain(slot: Slot): void {
    slot.lane.slots.delete(slot);
    this.#requeue(slot.lane, slot.jobs.splice(0));
    setTimeout(() => this.#retire(slot), DRAIN_GRACE).unref();
  }

  #retire(slot: Slot): void {
    if (this.#forget(slot)) void slot.transport.kill();
  }

  #forget(slot: Slot): boolean {
    if (!this.slots.delete(slot)) return false;
    slot.lane.slots.delete(slot);
    if (slot.lane.slots.size === 0 && slot.lane.queue.length === 0) this.lanes.delete(slot.lane.container);
    return true;
  }

  #receive(slot: Slot, message: GuestMessage): void {
    if (!this.slots.has(slot)) return;
    switch (messageType(message)) {
      case 'ready':
        slot.ready = true;
        this.#dispatch();
        return this.#relieve(slot.lane);
      case 'released':
        return this.#released(slot, (message as { id?: unknown }).id);
      case 'result':
        return this.#result(slot, message as GuestMessage & { type: 'result' });
      case 'storage':
        return this.#storage(slot, message as GuestMessage & { type: 'storage' });
      case 'log':
        return this.#log(slot, message as GuestMessage & { type: 'log' });
      case 'fault':
        return this.#fail(slot, { kind: 'async', message: String((message as { message?: unknown }).message) });
      default:
        return this.#fail(slot, { kind: 'protocol', message: 'it sent a message of no known type' });
    }
  }

  #result(slot: Slot, message: GuestMessage & { type: 'result' }): void {
    const running = slot.jobs[0];
    if (running?.id !== message.id) return this.#fail(slot, { kind: 'protocol', message: 'it answered a job it was not running' });
    const checked = checkResult(message, this.#settings.maxResponseSize);
    if ('fault' in checked) return this.#fail(slot, checked.fault);
    slot.jobs.shift();
    slot.used = performance.now();
    noteRunTime(slot.lane, slot.used - slot.began);
    this.#limits?.remove(running);
    const { result, recycle } = checked;
    const { onLog } = this.#settings;
    if (onLog && running.log && result.timing) onLog(timingEntry(running.job.webtask.id, result.requestId, result.timing));
    running.resolve(result);
    if (recycle) this.#drain(slot);
    else if (slot.jobs.length > 0) this.#begin(slot);
    this.#dispatch();
    this.#relieve(slot.lane);
  }

  // Only the document of the job the guest is running, and only for that job's webtask: a timer
  // left by an earlier job cannot reach another's data (user code can post messages too).
  #storage(slot: Slot, message: GuestMessage & { type: 'storage' }): void {
    const operation = checkStorage(message);
    if (!operation) return this.#fail(slot, { kind: 'protocol', message: 'it sent a malformed storage call' });
    const running = slot.jobs[0]?.job;
    const document = running?.webtask.id === message.webtask && running.storage ? documentOf(running.storage) : undefined;
    answerStorage(document, operation, (reply) => {
      if (this.slots.has(slot)) slot.transport.send({ type: 'storage', sid: message.sid, reply });
    });
  }

  // A line belongs to the job the host gave this guest last, whatever the guest says it belongs to.
  #log(slot: Slot, message: GuestMessage & { type: 'log' }): void {
    const current = slot.current;
    if (++slot.lines > FLOOD_FACTOR * this.#settings.logBudget.lines) return this.#fail(slot, { kind: 'protocol', message: 'it flooded the host with log lines' });
    const { level, text } = checkLog(message);
    const entry = slot.account?.take({ time: new Date().toISOString(), level, webtask: current?.job.webtask.id, requestId: current?.job.request.id, message: text });
    if (!entry) return;
    const { onLog, logger } = this.#settings;
    if (!onLog) return logger[entry.level](entry.message);
    // A job nobody wants the lines of: passed on unattributed, as the in-process executor does.
    onLog(current?.log ? entry : { ...entry, webtask: undefined, requestId: undefined });
  }

  #faultResult(fault: Fault, job: ExecutorJob): JobResult {
    return faultResult(fault, job.webtask, this.#sandbox);
  }
}
