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
  /** Stream a container's records to `res` as Server-Sent Events until the client goes away; a 429 `HttpError` when it has too many streams. */
  subscribe(container: string, res: ServerResponse): void;
  close(): void;
}

// Past this many listeners on one container, new ones are refused (429): a stream costs a socket.
const MAX_LISTENERS = 100;
const HEARTBEAT = 15_000;

export function createLogHub(): LogHub {
  const listeners = new Map<string, Set<ServerResponse>>();
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
      if (set && set.size >= MAX_LISTENERS) throw new HttpError(429, `At most ${MAX_LISTENERS} log streams per container.`, { 'retry-after': '60' });
      if (!set) listeners.set(container, (set = new Set()));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      set.add(res);
      res.on('close', () => {
        set.delete(res);
        if (set.size === 0) listeners.delete(container);
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const set of listeners.values()) for (const res of set) res.end();
      listeners.clear();
    },
  };
}
