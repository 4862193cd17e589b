import { availableParallelism } from 'node:os';
import { DEFAULT_TIMEOUT } from '../job/settings.ts';
import type { Logger } from '@ext-compilers/core';
import { type Fault, faultResult } from './results.ts';
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
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const start = (): void => {
    const slot: Slot = { transport: spawn(), ready: false, jobs: [], known: createLru(HOST_KNOWN), outbox: [] };
    slots.add(slot);
    slot.transport.onMessage((message) => receive(slot, message));
    slot.transport.onExit((fault) => ended(slot, fault));
  };

  const dispatch = (): void => {
    while (queue.length > 0) {
      let best: Slot | undefined;
      for (const slot of slots) {
        if (slot.ready && slot.jobs.length <= settings.prefetch && (!best || slot.jobs.length < best.jobs.length)) best = slot;
      }
      if (!best) break;
      send(best, queue.shift()!);
    }
    // A guest that died before it was ready is replaced only when work waits for it, so an entry that cannot start does not spin.
    if (queue.length > 0 && !closed && slots.size < settings.size) start();
  };

  const send = (slot: Slot, pending: Pending): void => {
    pending.slot = slot;
    slot.jobs.push(pending);
    const { webtask, request } = pending.job;
    const known = slot.known.get(webtask.id) === webtask;
    if (!known) slot.known.set(webtask.id, webtask);
    slot.outbox.push({ type: 'run', id: pending.id, webtask: known ? webtask.id : webtask, request, log: pending.log });
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
    if (slot.jobs.length === 1) arm(slot);
  };

  // Jobs dispatched in one turn (a burst of requests) cross to each guest in one message: one
  // serialisation and one wake-up of the guest instead of one per job.
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    for (const slot of slots) {
      if (slot.outbox.length === 0) continue;
      const messages = slot.outbox;
      slot.outbox = [];
      slot.transport.send(messages.length === 1 ? messages[0]! : messages);
    }
  };

  // The time limit of the job a guest is running, from when it started there: one deadline list
  // for the pool (every job has the same limit), no timer per job.
  const limits =
    settings.timeout > 0 && Number.isFinite(settings.timeout)
      ? new DeadlineList<Pending>(settings.timeout + KILL_GRACE, (pending) => {
          if (pending.slot?.jobs[0] === pending) fail(pending.slot, { kind: 'timeout', timeout: settings.timeout });
        })
      : undefined;
  const arm = (slot: Slot): void => limits?.add(slot.jobs[0]!, performance.now());

  const fail = (slot: Slot, fault: Fault): void => {
    const [running, ...waiting] = slot.jobs;
    slot.jobs = [];
    slot.outbox = [];
    if (running) {
      limits?.remove(running);
      settings.logger.error(`Webtask fault in a ${sandbox}: ${fault.kind}`);
      running.resolve(faultResult(fault, running.job.webtask, sandbox));
    } else if (!slot.ready && slots.has(slot)) {
      // A guest that cannot even start fails the oldest waiting job, so a broken entry answers instead of respawning forever.
      const first = queue.shift();
      first?.resolve(faultResult(fault, first.job.webtask, sandbox));
    }
    queue.unshift(...waiting);
    retire(slot);
  };

  const retire = (slot: Slot): void => {
    if (!slots.delete(slot)) return;
    void slot.transport.kill();
    if (!closed && slot.ready) start();
    dispatch();
  };

  const receive = (slot: Slot, message: GuestMessage): void => {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        return dispatch();
      case 'result': {
        const running = slot.jobs[0];
        if (running?.id !== message.id) return;
        slot.jobs.shift();
        limits?.remove(running);
        if (slot.jobs.length > 0) arm(slot);
        const { body, timing, requestId } = message;
        const result: JobResult = { statusCode: message.statusCode, headers: message.headers, body: typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength), timing, requestId };
        if (settings.onLog && running.log && timing) settings.onLog(timingEntry(running.job.webtask.id, requestId, timing));
        running.resolve(result);
        return dispatch();
      }
      case 'storage': {
        // Only the document of the job the guest is running, and only for that job's webtask: a
        // timer left by an earlier webtask cannot reach another's data (user code can post messages too).
        const running = slot.jobs[0]?.job;
        const document = running?.webtask.id === message.webtask && running.storage ? documentOf(running.storage) : undefined;
        return answerStorage(document, message.operation, (reply) => {
          if (slots.has(slot)) slot.transport.send({ type: 'storage', sid: message.sid, reply });
        });
      }
      case 'log': {
        const entry = logEntryOf(message);
        return settings.onLog ? settings.onLog(entry) : settings.logger[entry.level](entry.message);
      }
      case 'fault':
        return fail(slot, { kind: 'async', message: message.message });
    }
  };

  const ended = (slot: Slot, fault: Fault): void => {
    if (slots.has(slot)) fail(slot, fault);
  };

  for (let i = 0; i < settings.size; i++) start();
  // A job into the queue; `resolve` gets its result (or the pool's fault answer).
  const submit = (job: ExecutorJob, resolve: (result: JobResult) => void): void => {
    if (closed) return resolve(faultResult({ kind: 'closed' }, job.webtask, sandbox));
    const log = settings.onLog !== undefined && (settings.logWanted?.(job.webtask) ?? true);
    queue.push({ id: nextId++, slot: undefined, job, log, resolve, due: 0, prev: undefined, next: undefined, listed: false });
    dispatch();
  };
  const executor: Executor = {
    serve: (job, req, res) => serveByRunning(submit, job, req, res),
    run: (job) => new Promise((resolve) => submit(job, resolve)),
    async close() {
      if (closed) return;
      closed = true;
      for (const pending of queue.splice(0)) pending.resolve(faultResult({ kind: 'closed' }, pending.job.webtask, sandbox));
      const stopping = [...slots].map((slot) => {
        slots.delete(slot);
        for (const pending of slot.jobs.splice(0)) {
          limits?.remove(pending);
          pending.resolve(faultResult({ kind: 'closed' }, pending.job.webtask, sandbox));
        }
        return slot.transport.kill();
      });
      await Promise.all(stopping);
    },
  };
  return executor;
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
