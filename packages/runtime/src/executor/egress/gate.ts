import { lookup } from 'node:dns/promises';
import { chmod } from 'node:fs/promises';
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { type EgressAllow, egressDecision } from './decision.ts';

/**
 * The host's end of a jail's network: guests have none but their loopback, and ask the gate for
 * each outgoing TCP connection over a Unix socket. The gate resolves the name itself, connects
 * only to an address `egressDecision` allows, and pipes the bytes both ways.
 *
 * Protocol, on each connection: the guest writes one line `<host> <port>\n` (at most 300 bytes),
 * and may write its first bytes for the remote right after it. The gate answers one status byte:
 * `0x00`, then the remote's bytes; or `0x01`, a one-line reason, `\n`, and the end.
 */
export interface EgressGate {
  /** Serve guests on a new Unix socket at `socketPath`, open to every uid (a guest runs under its own). */
  listen(socketPath: string, context: EgressContext): Promise<EgressListener>;
  /** Close every listener and cut their connections. */
  close(): Promise<void>;
}

/** What a listener reports, for the container whose guests use it. */
export interface EgressContext {
  /** A refused or failed connection, with its reason (the line the guest is sent). */
  onRefused?(line: string): void;
  /** Bytes sent to and received from remotes since the last report (batched, at most once a second per connection). */
  onBytes?(sent: number, received: number): void;
}

export interface EgressListener {
  close(): Promise<void>;
}

export interface EgressGateOptions {
  allow: EgressAllow;
  /** Milliseconds for the guest's line, and for the lookup and connect attempts after it; default 10 s. */
  connectTimeout?: number;
  /** Connections at once per listener (more are dropped); default 64. */
  maxConnections?: number;
}

const MAX_LINE = 300;
const REPORT_INTERVAL = 1_000;
// A name with many addresses is not tried on all of them: the first few allowed ones are enough.
const MAX_ATTEMPTS = 4;
const OK = Buffer.of(0x00);
const REFUSED = 0x01;

export function createEgressGate(options: EgressGateOptions): EgressGate {
  const settings = { allow: options.allow, connectTimeout: options.connectTimeout ?? 10_000, maxConnections: options.maxConnections ?? 64 };
  const listeners = new Set<EgressListener>();
  return {
    async listen(socketPath, context) {
      const listener = await listenOn(socketPath, settings, context, () => listeners.delete(listener));
      listeners.add(listener);
      return listener;
    },
    close: async () => void (await Promise.all([...listeners].map((listener) => listener.close()))),
  };
}

type Settings = Required<Pick<EgressGateOptions, 'connectTimeout' | 'maxConnections'>> & { allow: EgressAllow };

async function listenOn(socketPath: string, settings: Settings, context: EgressContext, forget: () => void): Promise<EgressListener> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer({ allowHalfOpen: true }, (guest) => {
    track(guest);
    serveGuest(guest, settings, { ...context, track });
  });
  server.maxConnections = settings.maxConnections;
  server.on('drop', () => context.onRefused?.(`egress refused: over ${settings.maxConnections} connections at once`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // The guest runs under another uid: the socket must be theirs to connect to. The directory
  // holding it is what keeps other containers' guests out.
  await chmod(socketPath, 0o666).catch(async (error: unknown) => {
    await closeServer(server, sockets);
    throw error;
  });
  return {
    close: () => {
      forget();
      return closeServer(server, sockets);
    },
  };
}

/** Stop listening, cut every guest and remote: resolved once all are closed (and their bytes reported). */
async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = [new Promise<void>((resolve) => server.close(() => resolve()))];
  for (const socket of sockets) {
    closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
    socket.destroy();
  }
  await Promise.all(closed);
}

/** A listener's context, and how it learns of each remote socket (to cut it on close). */
type Connection = EgressContext & { track(socket: Socket): void };

function serveGuest(guest: Socket, settings: Settings, context: Connection): void {
  guest.on('error', () => guest.destroy());
  guest.setTimeout(settings.connectTimeout, () => guest.destroy());
  readLine(guest, (line, rest) => {
    const target = parseLine(line);
    if (!target) return void guest.destroy();
    // From here the gate's own deadline runs: the guest is told why it gave up.
    guest.setTimeout(0);
    open(target.host, target.port, settings, () => guest.destroyed).then(
      (upstream) => {
        context.track(upstream);
        if (guest.destroyed) upstream.destroy();
        else relay(guest, upstream, rest, context);
      },
      (error: Error) => refuse(guest, error.message, context),
    );
  });
}

/** The guest's first line, and the bytes it sent after it; a line over the cap drops the connection. */
function readLine(guest: Socket, cb: (line: string, rest: Buffer) => void): void {
  let buffered = Buffer.alloc(0);
  // Half-open sockets: a guest that ends before its line would otherwise wait for the timeout.
  const onEnd = () => guest.destroy();
  guest.once('end', onEnd);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(0x0a);
    if (end === -1 || end >= MAX_LINE) {
      if (end !== -1 || buffered.length >= MAX_LINE) guest.destroy();
      return;
    }
    guest.pause();
    guest.off('data', onData);
    guest.off('end', onEnd);
    cb(buffered.subarray(0, end).toString('latin1'), buffered.subarray(end + 1));
  };
  guest.on('data', onData);
}

function parseLine(line: string): { host: string; port: number } | undefined {
  const match = /^([^\s\x00-\x1f\x7f]+) (\d{1,5})$/.exec(line);
  if (!match) return undefined;
  const port = Number(match[2]);
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

/**
 * A socket connected to an allowed address of `host`. Every address is decided on before any
 * connect, and the connect goes to that IP: no second lookup, so no DNS-rebinding window.
 */
async function open(host: string, port: number, settings: Settings, abandoned: () => boolean): Promise<Socket> {
  const deadline = Date.now() + settings.connectTimeout;
  const addresses = isIP(host) ? [host] : await resolve(host, port);
  const verdicts = addresses.map((address) => ({ address, verdict: egressDecision(address, port, settings.allow, host) }));
  const allowed = verdicts.filter(({ verdict }) => verdict.allowed).map(({ address }) => address);
  const refused = verdicts.find(({ verdict }) => !verdict.allowed)?.verdict;
  if (allowed.length === 0) throw new Error(refused && !refused.allowed ? refused.reason : `egress to ${host} port ${port} refused`);
  let failure: Error | undefined;
  for (const address of allowed.slice(0, MAX_ATTEMPTS)) {
    if (abandoned() || Date.now() >= deadline) break;
    try {
      return await attempt(address, port, deadline - Date.now());
    } catch (error) {
      failure = error as Error;
    }
  }
  throw new Error(`egress to ${host} port ${port} failed: ${failure?.message ?? `no connection within ${settings.connectTimeout} ms`}`);
}

async function resolve(host: string, port: number): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch (error) {
    throw new Error(`egress to ${host} port ${port} failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function attempt(address: string, port: number, timeout: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const upstream = connect({ host: address, port, allowHalfOpen: true });
    upstream.setTimeout(timeout, () => upstream.destroy(new Error('connect timed out')));
    upstream.once('error', reject);
    upstream.once('connect', () => {
      upstream.setTimeout(0);
      upstream.off('error', reject);
      resolve(upstream);
    });
  });
}

function refuse(guest: Socket, reason: string, context: EgressContext): void {
  const line = reason.replace(/[\r\n]+/g, ' ').slice(0, 250);
  context.onRefused?.(line);
  if (!guest.destroyed) guest.end(Buffer.concat([Buffer.of(REFUSED), Buffer.from(`${line}\n`)]));
}

/** Status 0x00, the guest's early bytes, then both ways until both ends are done; bytes counted. */
function relay(guest: Socket, upstream: Socket, early: Buffer, context: EgressContext): void {
  const counts = { sent: early.length, received: 0 };
  const report = () => {
    if (counts.sent + counts.received > 0) context.onBytes?.(counts.sent, counts.received);
    counts.sent = counts.received = 0;
  };
  const timer = setInterval(report, REPORT_INTERVAL).unref();
  guest.on('data', (chunk: Buffer) => void (counts.sent += chunk.length));
  upstream.on('data', (chunk: Buffer) => void (counts.received += chunk.length));
  upstream.on('error', () => upstream.destroy());
  // A side that failed cuts the other; one that closed cleanly lets the other flush what it was
  // given, then closes it too (nobody is left to read what it would still receive).
  guest.once('close', (hadError) => (hadError ? upstream.destroy() : upstream.end(() => upstream.destroy())));
  upstream.once('close', (hadError) => {
    if (hadError) guest.destroy();
    else guest.end(() => guest.destroy());
    clearInterval(timer);
    report();
  });
  guest.write(OK);
  if (early.length > 0) upstream.write(early);
  guest.pipe(upstream);
  upstream.pipe(guest);
}
