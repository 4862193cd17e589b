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
  /** On the record that says how many records this stream lost while its reader was behind. */
  dropped?: number | undefined;
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

/**
 * Bytes one stream may hold unsent, its reader behind (paused, slow, gone without a word): the
 * most a reader costs the server. Past it the stream's records are dropped and counted, and once
 * the reader has caught up it gets one record saying how many (`dropped: N`), then the new ones.
 */
export const LOG_STREAM_BACKLOG: number = 256 * 1024;

const HEARTBEAT = 15_000;
// What a refused stream is told to wait: streams end when their clients go, not on a clock.
const RETRY_AFTER = '30';

/** One client's stream: its response, and the records it lost since it last had room. */
class LogStream {
  readonly res: ServerResponse;
  readonly #container: string;
  #dropped = 0;

  constructor(res: ServerResponse, container: string) {
    this.res = res;
    this.#container = container;
    // Node emits 'drain' once what a write left waiting is sent: the reader caught up.
    res.on('drain', () => this.#report());
  }

  /** Send one event of `bytes` bytes, or count it as dropped when the backlog has no room for it. */
  send(event: string, bytes: number): void {
    if (this.res.writableLength + bytes > LOG_STREAM_BACKLOG) return void this.#dropped++;
    this.#report();
    this.res.write(event);
  }

  /** A comment line that keeps idle proxies from closing the stream; a stream with bytes waiting is not idle. */
  keepAlive(): void {
    if (this.res.writableLength === 0) this.res.write(': keep-alive\n\n');
  }

  #report(): void {
    const dropped = this.#dropped;
    if (dropped === 0) return;
    this.#dropped = 0;
    const msg = `${dropped} log records were dropped: this stream's reader fell ${LOG_STREAM_BACKLOG} bytes behind.`;
    const record: LogRecord = { time: new Date().toISOString(), level: 'warn', container: this.#container, name: undefined, req_id: undefined, msg, dropped };
    this.res.write(sseEvent(record));
  }
}

export function createLogHub(limits: LogStreamLimits): LogHub {
  const listeners = new Map<string, Set<LogStream>>();
  let open = 0;
  const heartbeat = setInterval(() => {
    for (const set of listeners.values()) for (const stream of set) stream.keepAlive();
  }, HEARTBEAT);
  heartbeat.unref();
  return {
    listening: (container) => listeners.has(container),
    publish(record) {
      const set = listeners.get(record.container);
      if (!set) return;
      const event = sseEvent(record);
      const bytes = Buffer.byteLength(event);
      for (const stream of set) stream.send(event, bytes);
    },
    subscribe(container, res) {
      let set = listeners.get(container);
      checkRoom(limits, container, set?.size ?? 0, open);
      if (!set) listeners.set(container, (set = new Set()));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      const stream = new LogStream(res, container);
      set.add(stream);
      open++;
      res.on('close', () => {
        if (!set.delete(stream)) return;
        open--;
        if (set.size === 0 && listeners.get(container) === set) listeners.delete(container);
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const set of listeners.values()) for (const stream of set) stream.res.end();
      listeners.clear();
    },
  };
}

function sseEvent(record: LogRecord): string {
  return `data: ${JSON.stringify(record)}\n\n`;
}

function checkRoom(limits: LogStreamLimits, container: string, here: number, open: number): void {
  const { maxLogStreams, maxContainerLogStreams } = limits;
  if (here >= maxContainerLogStreams) {
    throw new HttpError(429, `Container ${container} has reached its limit of ${maxContainerLogStreams} log streams: close one, or try again later.`, { 'retry-after': RETRY_AFTER });
  }
  if (open >= maxLogStreams) throw new HttpError(429, `The server has reached its limit of ${maxLogStreams} log streams: try again later.`, { 'retry-after': RETRY_AFTER });
}
