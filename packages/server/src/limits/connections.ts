import type { Server, ServerOptions } from 'node:http';
import type { ServerLimits } from './defaults.ts';

/**
 * The options of `http.createServer` that bound a request's arrival. Node checks the header and
 * request time limits on a timer (every 30 s by default, so a 10 s limit could take 40 s): it
 * checks here four times per shortest limit, at most every second.
 */
export function arrivalLimits(limits: ServerLimits): ServerOptions {
  const { headersTimeout, requestTimeout } = limits;
  return { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))) };
}

/**
 * Past `maxConnections`, Node closes a new connection as soon as it is accepted: idle sockets can
 * exhaust the server's descriptors no more than any one request can.
 */
export function capConnections(server: Server, limits: ServerLimits): void {
  server.maxConnections = limits.maxConnections;
}
