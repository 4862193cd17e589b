import type { ServerResponse } from 'node:http';
import { HttpError } from '../http/http-error.ts';

/** One console line of a webtask, as `/api/logs/tenant/{container}` streams it. */
export interface LogRecord {
  time: string;
  level: 'info' | 'warn' | 'error';
  container: string;
  name: string | undefined;
  req_id: string | undefined;
  msg: string;
  /** On the record each finished request adds: its compile, module-load and user-code time, in ms. */
  timing?: { compile: number; modules: number; user: number } | undefined;
}

export interface LogHub {
  /** Whether anybody streams `container`'s logs now. */
  listening(container: string): boolean;
  publish(record: LogRecord): void;
  /** Stream a container's records to `res` as Server-Sent Events until the client goes away; a 429 `HttpError` when the container, or the server, has too many streams. */
  subscribe(container: string, res: ServerResponse): void;
  close(): void;
}

/** Streams open at once: all containers together, and one container (each stream holds a socket). */
export interface LogStreamLimits {
  maxLogStreams: number;
  maxContainerLogStreams: number;
}

const HEARTBEAT = 15_000;
// What a refused stream is told to wait: streams end when their clients go, not on a clock.
const RETRY_AFTER = '30';

export function createLogHub(limits: LogStreamLimits): LogHub {
  const listeners = new Map<string, Set<ServerResponse>>();
  let open = 0;
  const heartbeat = setInterval(() => {
    for (const set of listeners.values()) for (const res of set) res.write(': keep-alive\n\n');
  }, HEARTBEAT);
  heartbeat.unref();
  return {
    listening: (container) => listeners.has(container),
    publish(record) {
      const set = listeners.get(record.container);
      if (!set) return;
      const event = `data: ${JSON.stringify(record)}\n\n`;
      for (const res of set) res.write(event);
    },
    subscribe(container, res) {
      let set = listeners.get(container);
      checkRoom(limits, container, set?.size ?? 0, open);
      if (!set) listeners.set(container, (set = new Set()));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      set.add(res);
      open++;
      res.on('close', () => {
        if (!set.delete(res)) return;
        open--;
        if (set.size === 0 && listeners.get(container) === set) listeners.delete(container);
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const set of listeners.values()) for (const res of set) res.end();
      listeners.clear();
    },
  };
}

function checkRoom(limits: LogStreamLimits, container: string, here: number, open: number): void {
  const { maxLogStreams, maxContainerLogStreams } = limits;
  if (here >= maxContainerLogStreams) {
    throw new HttpError(429, `Container ${container} has reached its limit of ${maxContainerLogStreams} log streams: close one, or try again later.`, { 'retry-after': RETRY_AFTER });
  }
  if (open >= maxLogStreams) throw new HttpError(429, `The server has reached its limit of ${maxLogStreams} log streams: try again later.`, { 'retry-after': RETRY_AFTER });
}
