import { availableParallelism } from 'node:os';
import { DEFAULT_TIMEOUT } from './pipeline-options.ts';
import type { Logger } from './pipeline-types.ts';
import { type Fault, faultResult } from './executor-faults.ts';
import { answerStorage } from './executor-storage.ts';
import type { Executor, ExecutorJob, GuestMessage, HostMessage, JobResult, PoolOptions } from './executor-types.ts';

/** One worker or child, seen from the host. `onExit` is called once, however it ended. */
export interface Transport {
  send(message: HostMessage): void;
  onMessage(listener: (message: GuestMessage) => void): void;
  onExit(listener: (fault: Fault) => void): void;
  kill(): Promise<void>;
}

export const DEFAULT_MEMORY_LIMIT = 128;

// The guest's own pipeline answers a webtask that never calls back with its 504 at `timeout` and
// keeps the worker; the host stops the worker only when that answer does not come (a busy loop).
const KILL_GRACE = 100;

interface Pending {
  id: number;
  job: ExecutorJob;
  resolve(result: JobResult): void;
}

interface Slot {
  transport: Transport;
  ready: boolean;
  pending: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
}

export interface PoolSettings {
  size: number;
  timeout: number;
  memoryLimit: number;
  logger: Logger;
}

export function poolSettings(options: PoolOptions): PoolSettings {
  const size = options.size ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(size) || size < 1) throw new TypeError('The pool size must be a positive integer');
  return { size, timeout: options.timeout ?? DEFAULT_TIMEOUT, memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, logger: options.logger ?? console };
}

/**
 * A pool of guests (worker threads or child processes), one job at a time each; jobs queue when
 * every guest is busy. A guest that runs past the time limit, exhausts its heap, exits or
 * crashes is stopped and replaced, and only its own request gets the fault's answer.
 */
export function createPool(spawn: () => Transport, settings: PoolSettings, sandbox: string): Executor {
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let nextId = 1;
  let closed = false;

  const start = (): void => {
    const slot: Slot = { transport: spawn(), ready: false, pending: undefined, timer: undefined };
    slots.add(slot);
    slot.transport.onMessage((message) => receive(slot, message));
    slot.transport.onExit((fault) => ended(slot, fault));
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.ready && !slot.pending) begin(slot, queue.shift()!);
    }
    // A guest that died before it was ready is replaced only when work waits for it, so an entry that cannot start does not spin.
    if (queue.length > 0 && !closed && slots.size < settings.size) start();
  };

  const begin = (slot: Slot, pending: Pending): void => {
    slot.pending = pending;
    const { storage: _, ...wire } = pending.job;
    slot.transport.send({ type: 'run', id: pending.id, job: wire });
    if (settings.timeout > 0 && Number.isFinite(settings.timeout)) {
      slot.timer = setTimeout(() => fail(slot, { kind: 'timeout', timeout: settings.timeout }), settings.timeout + KILL_GRACE);
    }
  };

  const settle = (slot: Slot, result: JobResult): void => {
    const pending = slot.pending;
    clearTimeout(slot.timer);
    slot.pending = undefined;
    pending?.resolve(result);
  };

  const fail = (slot: Slot, fault: Fault): void => {
    if (slot.pending) {
      settings.logger.error(`Webtask fault in a ${sandbox}: ${fault.kind}`);
      settle(slot, faultResult(fault, slot.pending.job.webtask, sandbox));
    } else if (!slot.ready && slots.has(slot)) {
      // A guest that cannot even start fails the oldest waiting job, so a broken entry answers instead of respawning forever.
      const waiting = queue.shift();
      waiting?.resolve(faultResult(fault, waiting.job.webtask, sandbox));
    }
    retire(slot);
  };

  const retire = (slot: Slot): void => {
    if (!slots.delete(slot)) return;
    clearTimeout(slot.timer);
    void slot.transport.kill();
    if (!closed && slot.ready) start();
    dispatch();
  };

  const receive = (slot: Slot, message: GuestMessage): void => {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        return dispatch();
      case 'result':
        if (slot.pending?.id !== message.id) return;
        settle(slot, { statusCode: message.statusCode, headers: message.headers, body: Buffer.from(message.payload) });
        return dispatch();
      case 'storage':
        // Only the document of the job this guest is running: user code can post messages too.
        return answerStorage(slot.pending?.job.storage, message.operation, (reply) => {
          if (slots.has(slot)) slot.transport.send({ type: 'storage', sid: message.sid, reply });
        });
      case 'log':
        return settings.logger[message.level](message.text);
      case 'fault':
        return fail(slot, { kind: 'async', message: message.message });
    }
  };

  const ended = (slot: Slot, fault: Fault): void => {
    if (slots.has(slot)) fail(slot, fault);
  };

  for (let i = 0; i < settings.size; i++) start();
  return {
    run(job) {
      if (closed) return Promise.resolve(faultResult({ kind: 'closed' }, job.webtask, sandbox));
      return new Promise((resolve) => {
        queue.push({ id: nextId++, job, resolve });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const pending of queue.splice(0)) pending.resolve(faultResult({ kind: 'closed' }, pending.job.webtask, sandbox));
      const stopping = [...slots].map((slot) => {
        slots.delete(slot);
        clearTimeout(slot.timer);
        if (slot.pending) settle(slot, faultResult({ kind: 'closed' }, slot.pending.job.webtask, sandbox));
        return slot.transport.kill();
      });
      await Promise.all(stopping);
    },
  };
}
