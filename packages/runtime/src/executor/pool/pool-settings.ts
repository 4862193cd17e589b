import { availableParallelism } from 'node:os';
import type { Logger } from '@ext-compilers/core';
import type { Fault } from '../../answers/answers.ts';
import { DEFAULT_TIMEOUT } from '../../job/settings.ts';
import { type LogBudget, logBudgetOf } from './log-budget.ts';
import type { ExecutorOptions, GuestMessage, HostMessage, JobWebtask, LogSink } from '../types.ts';

/** One worker or child, seen from the host. `onExit` is called once, however it ended. */
export interface Transport {
  /** One message, or several sent in one turn of the host's event loop, in order. */
  send(message: HostMessage | HostMessage[]): void;
  /** Whatever the guest sent: the pool checks every message (user code can post on the channel too). */
  onMessage(listener: (message: GuestMessage) => void): void;
  onExit(listener: (fault: Fault) => void): void;
  kill(): Promise<void>;
}

/** Starts a guest that will serve `container`, and only it, for its whole life. */
export type Spawn = (container: string) => Transport;

export const DEFAULT_MEMORY_LIMIT: number = 128;
export const DEFAULT_PREFETCH: number = 16;
export const DEFAULT_CONTAINER_QUEUE: number = 64;
export const DEFAULT_MAX_RESPONSE_SIZE: number = 6 * 1024 * 1024;

export interface PoolSettings {
  /** Live guests in all. */
  size: number;
  /** Live guests of one container. */
  containerGuests: number;
  /** Jobs of one container waiting in the host. */
  containerQueue: number;
  timeout: number;
  memoryLimit: number;
  prefetch: number;
  maxResponseSize: number;
  logBudget: LogBudget;
  logger: Logger;
  onLog: LogSink | undefined;
  logWanted: ((webtask: JobWebtask) => boolean) | undefined;
}

/** Live guests in all unless told: twice the CPUs, at least 2 (one runaway never stalls everybody). */
export function defaultPoolSize(): number {
  return Math.max(2, 2 * availableParallelism());
}

/** The pool's settings from an executor's options, each checked (a bad one throws a TypeError naming it). */
export function poolSettings(options: ExecutorOptions): PoolSettings {
  const size = count(options.size ?? defaultPoolSize(), 1, 'The pool size');
  const containerGuests = count(options.containerGuests ?? Math.max(1, Math.floor(size / 2)), 1, 'containerGuests');
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== 'number' || !(timeout >= 0)) throw new TypeError('The timeout must be a non-negative number of ms');
  return {
    size,
    containerGuests: Math.min(containerGuests, size),
    containerQueue: count(options.containerQueue ?? DEFAULT_CONTAINER_QUEUE, 0, 'containerQueue'),
    timeout,
    memoryLimit: count(options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, 1, 'memoryLimit'),
    prefetch: count(options.prefetch ?? DEFAULT_PREFETCH, 0, 'The prefetch'),
    maxResponseSize: count(options.maxResponseSize ?? DEFAULT_MAX_RESPONSE_SIZE, 0, 'maxResponseSize'),
    logBudget: logBudgetOf(options.logBudget),
    logger: options.logger ?? console,
    onLog: options.onLog,
    logWanted: options.logWanted,
  };
}

function count(value: unknown, least: number, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < least) throw new TypeError(`${name} must be ${least === 0 ? 'a non-negative' : 'a positive'} integer`);
  return value;
}
