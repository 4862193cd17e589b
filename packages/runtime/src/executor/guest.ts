import type { RunResult } from '../job/run-job.ts';
import { createWebtaskCache, type GuestEnvironment, type Known, runKnown } from './webtasks.ts';
import { ownBytes } from './host-request.ts';
import type { GuestMessage, HostMessage, JobRequest, JobResult, LogSink, StorageReply } from './types.ts';
import { jsonResult } from './results.ts';
import { protocolErrorAnswer } from '../answers/answers.ts';
import { createProxyHandle } from '../storage/proxy.ts';
import { patchConsole, scopedLogger } from '../job/logs.ts';

/** The two ends a guest can talk through: a worker's `parentPort` or a child's IPC channel. */
export interface GuestChannel {
  send(message: GuestMessage): void;
  /** One message, or several the host sent in one turn, in order. */
  onMessage(listener: (message: HostMessage | HostMessage[]) => void): void;
}

/**
 * Serve jobs from the host, one at a time. Storage is proxied to the host (the document is
 * shared by every worker); an asynchronous throw or an unhandled rejection of user code is
 * reported as a fault, and the host answers the request and replaces this guest. Every console
 * line of this guest goes to the host as a message, attributed to the job it came from.
 */
export function serveGuest(channel: GuestChannel): void {
  const storage = storageChannel(channel);
  const onLog: LogSink = ({ level, message, webtask, requestId, time }) => channel.send({ type: 'log', level, text: message, webtask, requestId, time });
  const logger = scopedLogger(onLog);
  patchConsole((level, args) => logger[level](...args));
  const environment: GuestEnvironment = { storage: storage.handle, logger, onLog };
  const jobs = jobQueue(channel, environment);
  const cache = createWebtaskCache();
  const fault = (error: unknown): void => channel.send({ type: 'fault', message: describe(error) });
  process.on('uncaughtException', fault);
  process.on('unhandledRejection', fault);
  const receive = (message: HostMessage): void => {
    if (message.type === 'storage') return storage.reply(message.sid, message.reply);
    if (message.type === 'release') return void (jobs.release(message.id) && channel.send({ type: 'released', id: message.id }));
    // Looked up as it arrives, in the host's order: the host's count of what this guest knows relies on it.
    const known = typeof message.webtask === 'string' ? cache.known(message.webtask) : cache.remember(message.webtask);
    jobs.push({ id: message.id, known, request: message.request, log: message.log });
  };
  channel.onMessage((message) => {
    if (!Array.isArray(message)) return receive(message);
    for (const one of message) receive(one);
  });
  channel.send({ type: 'ready' });
}

/** Storage handles whose operations cross to the host, and the delivery of its replies. */
function storageChannel(channel: GuestChannel): { handle: GuestEnvironment['storage']; reply(sid: number, reply: StorageReply): void } {
  const waiting = new Map<number, (reply: StorageReply) => void>();
  let nextSid = 1;
  return {
    handle: (webtask) =>
      createProxyHandle((operation, cb) => {
        const sid = nextSid++;
        waiting.set(sid, cb);
        channel.send({ type: 'storage', sid, webtask: webtask.id, operation });
      }),
    reply(sid, reply) {
      const cb = waiting.get(sid);
      waiting.delete(sid);
      cb?.(reply);
    },
  };
}

interface GuestJob {
  id: number;
  known: Known | undefined;
  request: JobRequest;
  log: boolean;
}

/**
 * Jobs run one at a time, in the order they came: those behind the running one have not started,
 * so the host can give them to another guest if this one fails, or ask one back for a free guest.
 */
function jobQueue(channel: GuestChannel, environment: GuestEnvironment): { push(job: GuestJob): void; release(id: number): boolean } {
  const jobs: GuestJob[] = [];
  const unattributed: GuestEnvironment = { ...environment, onLog: undefined };
  let running = false;
  // What the event loop holds before any user code ran (the host's channel, once listened to).
  let baseline: Map<string, number> | undefined;
  const next = (): void => {
    const job = jobs.shift();
    if (!job) return void (running = false);
    running = true;
    baseline ??= activeResources();
    const started = performance.now();
    const result: Promise<RunResult | JobResult> = job.known ? runKnown(job.known, job.request, job.log ? environment : unattributed) : Promise.resolve(jsonResult(protocolErrorAnswer()));
    result.then(({ statusCode, headers, body, timing, requestId: resultId }) => {
      const late = job.known !== undefined && performance.now() - started >= job.known.webtask.settings.timeout;
      const recycle = late || leftBehind(baseline!);
      // A string crosses as it is (a Buffer made from it would view an 8 KB pool, all of which a structured clone copies).
      channel.send({ type: 'result', id: job.id, statusCode, headers, body: typeof body === 'string' ? body : ownBytes(body), timing, requestId: resultId, recycle });
      // A guest to recycle starts nothing more: the host gives the jobs sent ahead to another.
      if (!recycle) next();
    });
  };
  return {
    push(job) {
      jobs.push(job);
      if (!running) next();
    },
    /** Drop job `id` if it waits here unstarted: whether it did. */
    release(id) {
      const at = jobs.findIndex((job) => job.id === id);
      if (at >= 0) jobs.splice(at, 1);
      return at >= 0;
    },
  };
}

/** The kinds of the event loop's live resources (timers, sockets, the host's channel) and how many of each. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/**
 * Whether a job left work behind: more live resources of some kind than the guest had when it
 * started serving (a timer, an interval, a socket, a server). Such a guest is recycled after
 * answering, so that nothing a job started runs into a later job's time.
 */
function leftBehind(baseline: Map<string, number>): boolean {
  for (const [kind, count] of activeResources()) if (count > (baseline.get(kind) ?? 0)) return true;
  return false;
}

function describe(error: unknown): string {
  try {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return message === undefined ? String(error) : `${String(name ?? 'Error')}: ${String(message)}`;
  } catch {
    return 'Unknown error';
  }
}
