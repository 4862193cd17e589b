import { availableParallelism } from 'node:os';
import { DEFAULT_TIMEOUT } from '../job/settings.ts';
import type { Logger } from '@ext-compilers/core';
import type { Fault } from '../answers/answers.ts';
import { faultResult } from './results.ts';
import { answerStorage } from '../storage/proxy.ts';
import { documentOf } from '../storage/handle.ts';
import { createLru, type Lru } from '../compile/cache.ts';
import { type Deadline, DeadlineList } from '../job/deadlines.ts';
import { timingEntry } from '../job/timing-entry.ts';
import { EXECUTOR_WEBTASKS } from './webtasks.ts';
import { serveByRunning } from './host-request.ts';
import type { Executor, ExecutorJob, ExecutorOptions, GuestMessage, HostMessage, JobResult, JobWebtask, LogEntry, LogSink } from './types.ts';

/** One worker or child, seen from the host. `onExit` is called once, however it ended. */
export interface Transport {
  /** One message, or several sent in one turn of the host's event loop, in order. */
  send(message: HostMessage | HostMessage[]): void;
  onMessage(listener: (message: GuestMessage) => void): void;
  onExit(listener: (fault: Fault) => void): void;
  kill(): Promise<void>;
}

export const DEFAULT_MEMORY_LIMIT = 128;

// The guest's own pipeline answers a webtask that never calls back with its 504 at `timeout` and
// keeps the worker; the host stops the worker only when that answer does not come (a busy loop).
const KILL_GRACE = 100;

// The host counts a webtask as known to a guest in an LRU half that size, touched in the order the
// guest receives the same jobs: what the host counts as known is always still in the guest.
const HOST_KNOWN = EXECUTOR_WEBTASKS / 2;

export const DEFAULT_PREFETCH = 16;

interface Pending extends Deadline {
  id: number;
  /** The guest it was sent to. */
  slot: Slot | undefined;
  job: ExecutorJob;
  /** Whether the job's lines are wanted: run in an attributed scope, and a timing entry at the end. */
  log: boolean;
  resolve(result: JobResult): void;
}

interface Slot {
  transport: Transport;
  ready: boolean;
  /** Sent and not answered, in order: the first runs, the others wait in the guest. */
  jobs: Pending[];
  /** The webtask objects this guest has been sent whole, by id. */
  known: Lru<JobWebtask>;
  /** Jobs to send at the end of this turn of the event loop, in one message. */
  outbox: HostMessage[];
}

export interface PoolSettings {
  size: number;
  timeout: number;
  memoryLimit: number;
  prefetch: number;
  logger: Logger;
  onLog: LogSink | undefined;
  logWanted: ((webtask: JobWebtask) => boolean) | undefined;
}

export function poolSettings(options: ExecutorOptions): PoolSettings {
  const size = options.size ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(size) || size < 1) throw new TypeError('The pool size must be a positive integer');
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new TypeError('The prefetch must be a non-negative integer');
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || !(timeout >= 0)) throw new TypeError('The timeout must be a non-negative number of ms');
  return { size, timeout, memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, prefetch, logger: options.logger ?? console, onLog: options.onLog, logWanted: options.logWanted };
}

/**
 * A pool of guests (worker threads or child processes). Each guest runs one job at a time, with
 * up to `prefetch` more sent ahead so it never waits for the host between jobs; a job goes to
 * the ready guest with the fewest, and queues when all are full. A guest that runs past the time
 * limit, exhausts its heap, exits or crashes is stopped and replaced: the job it was running gets
 * the fault's answer, and the jobs waiting in it (none of which had started) run elsewhere.
 */
export function createPool(spawn: () => Transport, settings: PoolSettings, sandbox: string): Executor {
  const pool = new Pool(spawn, settings, sandbox);
  return {
    serve: (job, req, res) => serveByRunning((one, resolve) => pool.submit(one, resolve), job, req, res),
    run: (job) => new Promise((resolve) => pool.submit(job, resolve)),
    close: () => pool.close(),
  };
}

/** The pool's state: its guests, the jobs queued for them, and the time limits of the running ones. */
class Pool {
  readonly slots: Set<Slot> = new Set();
  readonly queue: Pending[] = [];
  #nextId = 1;
  #closed = false;
  // Jobs dispatched in one turn (a burst of requests) cross to each guest in one message: one
  // serialisation and one wake-up of the guest instead of one per job.
  #flushing = false;
  // The time limit of the job a guest is running, from when it started there: one deadline list
  // for the pool (every job has the same limit), no timer per job.
  readonly #limits: DeadlineList<Pending> | undefined;
  readonly #spawn: () => Transport;
  readonly #settings: PoolSettings;
  readonly #sandbox: string;

  constructor(spawn: () => Transport, settings: PoolSettings, sandbox: string) {
    this.#spawn = spawn;
    this.#settings = settings;
    this.#sandbox = sandbox;
    const { timeout } = settings;
    this.#limits = timeout > 0 && Number.isFinite(timeout) ? new DeadlineList<Pending>(timeout + KILL_GRACE, (pending) => this.#expired(pending)) : undefined;
    for (let i = 0; i < settings.size; i++) this.#start();
  }

  /** A job into the queue; `resolve` gets its result (or the pool's fault answer). */
  submit(job: ExecutorJob, resolve: (result: JobResult) => void): void {
    if (this.#closed) return resolve(this.#faultResult({ kind: 'closed' }, job));
    const log = this.#settings.onLog !== undefined && (this.#settings.logWanted?.(job.webtask) ?? true);
    this.queue.push({ id: this.#nextId++, slot: undefined, job, log, resolve, due: 0, prev: undefined, next: undefined, listed: false });
    this.#dispatch();
  }

  /** Stop every guest; every job not answered yet gets the `closed` answer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const pending of this.queue.splice(0)) pending.resolve(this.#faultResult({ kind: 'closed' }, pending.job));
    const stopping = [...this.slots].map((slot) => {
      this.slots.delete(slot);
      for (const pending of slot.jobs.splice(0)) {
        this.#limits?.remove(pending);
        pending.resolve(this.#faultResult({ kind: 'closed' }, pending.job));
      }
      return slot.transport.kill();
    });
    await Promise.all(stopping);
  }

  #start(): void {
    const slot: Slot = { transport: this.#spawn(), ready: false, jobs: [], known: createLru(HOST_KNOWN), outbox: [] };
    this.slots.add(slot);
    slot.transport.onMessage((message) => this.#receive(slot, message));
    slot.transport.onExit((fault) => {
      if (this.slots.has(slot)) this.#fail(slot, fault);
    });
  }

  #dispatch(): void {
    while (this.queue.length > 0) {
      const best = this.#leastBusy();
      if (!best) break;
      this.#send(best, this.queue.shift()!);
    }
    // A guest that died before it was ready is replaced only when work waits for it, so an entry that cannot start does not spin.
    if (this.queue.length > 0 && !this.#closed && this.slots.size < this.#settings.size) this.#start();
  }

  #leastBusy(): Slot | undefined {
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.ready && slot.jobs.length <= this.#settings.prefetch && (!best || slot.jobs.length < best.jobs.length)) best = slot;
    }
    return best;
  }

  #send(slot: Slot, pending: Pending): void {
    pending.slot = slot;
    slot.jobs.push(pending);
    const { webtask, request } = pending.job;
    const known = slot.known.get(webtask.id) === webtask;
    if (!known) slot.known.set(webtask.id, webtask);
    slot.outbox.push({ type: 'run', id: pending.id, webtask: known ? webtask.id : webtask, request, log: pending.log });
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => this.#flush());
    }
    if (slot.jobs.length === 1) this.#arm(slot);
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

  #arm(slot: Slot): void {
    this.#limits?.add(slot.jobs[0]!, performance.now());
  }

  #expired(pending: Pending): void {
    if (pending.slot?.jobs[0] === pending) this.#fail(pending.slot, { kind: 'timeout', timeout: this.#settings.timeout });
  }

  #fail(slot: Slot, fault: Fault): void {
    const [running, ...waiting] = slot.jobs;
    slot.jobs = [];
    slot.outbox = [];
    if (running) {
      this.#limits?.remove(running);
      this.#settings.logger.error(`Webtask fault in a ${this.#sandbox}: ${fault.kind}`);
      running.resolve(this.#faultResult(fault, running.job));
    } else if (!slot.ready && this.slots.has(slot)) {
      // A guest that cannot even start fails the oldest waiting job, so a broken entry answers instead of respawning forever.
      const first = this.queue.shift();
      first?.resolve(this.#faultResult(fault, first.job));
    }
    this.queue.unshift(...waiting);
    this.#retire(slot);
  }

  #retire(slot: Slot): void {
    if (!this.slots.delete(slot)) return;
    void slot.transport.kill();
    if (!this.#closed && slot.ready) this.#start();
    this.#dispatch();
  }

  #receive(slot: Slot, message: GuestMessage): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        return this.#dispatch();
      case 'result':
        return this.#result(slot, message);
      case 'storage':
        return this.#storage(slot, message);
      case 'log': {
        const entry = logEntryOf(message);
        return this.#settings.onLog ? this.#settings.onLog(entry) : this.#settings.logger[entry.level](entry.message);
      }
      case 'fault':
        return this.#fail(slot, { kind: 'async', message: message.message });
    }
  }

  #result(slot: Slot, message: GuestMessage & { type: 'result' }): void {
    const running = slot.jobs[0];
    if (running?.id !== message.id) return;
    slot.jobs.shift();
    this.#limits?.remove(running);
    if (slot.jobs.length > 0) this.#arm(slot);
    const { body, timing, requestId } = message;
    const result: JobResult = { statusCode: message.statusCode, headers: message.headers, body: typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength), timing, requestId };
    const { onLog } = this.#settings;
    if (onLog && running.log && timing) onLog(timingEntry(running.job.webtask.id, requestId, timing));
    running.resolve(result);
    this.#dispatch();
  }

  // Only the document of the job the guest is running, and only for that job's webtask: a timer
  // left by an earlier webtask cannot reach another's data (user code can post messages too).
  #storage(slot: Slot, message: GuestMessage & { type: 'storage' }): void {
    const running = slot.jobs[0]?.job;
    const document = running?.webtask.id === message.webtask && running.storage ? documentOf(running.storage) : undefined;
    answerStorage(document, message.operation, (reply) => {
      if (this.slots.has(slot)) slot.transport.send({ type: 'storage', sid: message.sid, reply });
    });
  }

  #faultResult(fault: Fault, job: ExecutorJob): JobResult {
    return faultResult(fault, job.webtask, this.#sandbox);
  }
}

const LEVELS = new Set<unknown>(['info', 'warn', 'error']);

// User code can post messages too: a line is taken as strings and a known level, never a method name to call.
function logEntryOf(message: GuestMessage & { type: 'log' }): LogEntry {
  const { level, webtask, requestId } = message;
  return {
    time: String(message.time),
    level: LEVELS.has(level) ? level : 'info',
    webtask: typeof webtask === 'string' ? webtask : undefined,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    message: String(message.text),
  };
}
