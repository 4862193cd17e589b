import { syncBuiltinESMExports } from 'node:module';
import * as net from 'node:net';
import type * as Tls from 'node:tls';

type ConnectOptions = Record<string, unknown>;
type Callback = (...args: unknown[]) => void;

// Kept on the prototype it patched: a second copy of this module (ESM and CommonJS builds) sees it too.
const INSTALLED = Symbol.for('ext-compilers.egress-client');
const STATUS_OK = 0x00;
const STATUS_REFUSED = 0x01;
const MAX_REASON = 1024;

/**
 * Send every outgoing TCP connection of this process through the egress gate at `socketPath`
 * (see gate.ts for the protocol): a guest in a jail has no network but its loopback. Patches
 * `net.Socket.prototype.connect` — which `net.connect`, `http(s)` agents and `fetch` (undici) all
 * reach — and `tls.connect`, which otherwise connects a TLS socket's own native handle. A Unix
 * socket (`path`) connects as before.
 *
 * A socket through the gate emits `connect` once the gate has connected to the remote; a refusal
 * destroys it before that, with the gate's reason and `code: 'ECONNREFUSED'`. The gate resolves the name: options that
 * choose how to reach the host (`lookup`, `family`, `localAddress`, `autoSelectFamily`) have no
 * effect, and `remoteAddress` and the like are those of the Unix socket (absent). Data read with
 * the `onread` option bypasses the status byte and is not supported. Nothing happens until this
 * is called.
 */
export function installEgressClient(socketPath: string): void {
  const proto = net.Socket.prototype as net.Socket & { [INSTALLED]?: string };
  if (proto[INSTALLED] !== undefined) {
    if (proto[INSTALLED] === socketPath) return;
    throw new TypeError(`The egress client is already installed, for ${proto[INSTALLED]}`);
  }
  proto[INSTALLED] = socketPath;
  // The module objects `require` returns, which https agents and fetch (undici) call through (an
  // ESM namespace is read-only); then the ESM named exports are synced to them.
  const tls = process.getBuiltinModule('node:tls');
  patchSocketConnect(socketPath, tls);
  patchTlsConnect(tls);
  syncBuiltinESMExports();
}

function patchSocketConnect(socketPath: string, tls: typeof Tls): void {
  const original = net.Socket.prototype.connect as (this: net.Socket, ...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]): net.Socket {
    const [options, cb] = connectArgs(args);
    const target = tcpTarget(options);
    // A TLSSocket connecting by itself wraps a native TCP handle, which cannot reach a Unix
    // socket; tls.connect (patched below) never asks it to.
    if (!target || this instanceof tls.TLSSocket) return original.apply(this, args);
    throughGate(this, target, cb, () => original.call(this, { path: socketPath }));
    return this;
  } as typeof net.Socket.prototype.connect;
}

/**
 * Without a `socket`, tls.connect would connect its TLSSocket's own native TCP handle. Given an
 * unconnected plain socket instead, TLS reads it through a JavaScript stream (where the gate's
 * status byte is taken off) and starts the handshake on its `connect`. `host` and `servername`
 * stay in the options: SNI and the certificate check see the name the caller gave.
 */
function patchTlsConnect(tls: typeof Tls): void {
  const original = tls.connect as (...args: unknown[]) => Tls.TLSSocket;
  (tls as { connect: unknown }).connect = function connect(...args: unknown[]): Tls.TLSSocket {
    const [options, cb] = tlsArgs(args);
    const target = tcpTarget(options);
    if (options.socket || !target) return original(...args);
    const plain = new net.Socket();
    const secure = original({ ...options, socket: plain }, ...(cb ? [cb] : []));
    // tls.connect arms the timeout only for a socket it connects itself.
    if (typeof options.timeout === 'number' && options.timeout > 0) secure.setTimeout(options.timeout);
    plain.connect({ host: target.host, port: target.port });
    return secure;
  };
}

/** Node's argument forms: `(options[, cb])`, `(port[, host][, cb])`, `(path[, cb])`, or net.connect's normalized pair. */
function connectArgs(args: unknown[]): [ConnectOptions, Callback | undefined] {
  if (Array.isArray(args[0])) return [(args[0][0] ?? {}) as ConnectOptions, args[0][1] as Callback | undefined];
  const last = args.at(-1);
  const cb = typeof last === 'function' ? (last as Callback) : undefined;
  const [first, second] = args;
  if (typeof first === 'object' && first !== null) return [first as ConnectOptions, cb];
  if (typeof first === 'string' && !/^\s*\d+\s*$/.test(first)) return [{ path: first }, cb];
  return [{ port: first, host: typeof second === 'string' ? second : undefined }, cb];
}

/** tls.connect's forms add `(port[, host][, options][, cb])`: the options object's fields win, as in Node. */
function tlsArgs(args: unknown[]): [ConnectOptions, Callback | undefined] {
  const [options, cb] = connectArgs(args);
  if (typeof args[0] === 'object') return [options, cb];
  const extra = [args[1], args[2]].find((arg) => typeof arg === 'object' && arg !== null);
  return [{ ...options, ...(extra as ConnectOptions | undefined) }, cb];
}

function tcpTarget(options: ConnectOptions): { host: string; port: number } | undefined {
  if (options.path) return undefined;
  const port = typeof options.port === 'string' ? Number(options.port.trim()) : options.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const host = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
  return { host: host.replace(/^\[(.*)\]$/, '$1'), port };
}

/**
 * The preamble is written as soon as the Unix connection is asked for, so it is the socket's
 * first write, ahead of anything the caller writes (an http request, a TLS ClientHello; the gate
 * passes those on after its line). `connect` and `ready` are held until the gate answers 0x00: a
 * refusal is an error of a socket that never connected, which is what fetch (undici) and the
 * agents expect — undici, told `connect` first, loses an error that follows it too closely.
 */
function throughGate(socket: net.Socket, target: { host: string; port: number }, cb: Callback | undefined, connect: () => void): void {
  if (/[\s\x00-\x1f\x7f]/.test(target.host)) {
    process.nextTick(() => socket.destroy(failure(`Invalid host name: ${JSON.stringify(target.host)}`, 'ENOTFOUND')));
    return;
  }
  connect();
  // A write while connecting waits for `connect` in a listener of its own: the preamble's is
  // the one to run when the Unix socket connects, while the caller's listeners wait for 0x00.
  const before = new Set(socket.rawListeners('connect'));
  socket.write(`${target.host} ${target.port}\n`);
  const flush = socket.rawListeners('connect').find((listener) => !before.has(listener)) as (() => void) | undefined;
  if (cb) socket.once('connect', cb);
  const release = flush ? hold(socket, flush) : () => undefined;
  readStatus(socket, release);
}

/** Hold `connect` and `ready` back: on the Unix connect, send the preamble and start reading; the returned function lets them go. */
function hold(socket: net.Socket, flush: () => void): () => void {
  const hadOwnEmit = Object.hasOwn(socket, 'emit');
  const emit = socket.emit;
  const held: string[] = [];
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'connect' && event !== 'ready') return Reflect.apply(emit, this, [event, ...args]) as boolean;
    held.push(event);
    if (event === 'connect') {
      flush();
      // Read now, paused or not (TLS pauses the socket it wraps until connect), even if a read
      // asked for while connecting waits for `connect` too: the status comes first.
      (socket as unknown as { _read(size: number): void })._read(0);
    }
    return true;
  } as net.Socket['emit'];
  return () => {
    if (hadOwnEmit) socket.emit = emit;
    else delete (socket as Partial<net.Socket>).emit;
    for (const event of held) socket.emit(event);
  };
}

/** Take the status byte off the first data (wrapping this socket's `push` until then); `0x00` calls `open`, `0x01` destroys the socket with the reason. */
function readStatus(socket: net.Socket, open: () => void): void {
  let reason: Buffer | undefined;
  socket.push = function push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return fail(socket, reason ? reason.toString() : 'The egress gate closed the connection before answering', reason ? 'ECONNREFUSED' : 'ECONNRESET');
    if (chunk === undefined) return true;
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    if (bytes.length === 0) return true;
    if (reason === undefined) {
      if (bytes[0] === STATUS_OK) {
        delete (socket as Partial<net.Socket>).push;
        open();
        return bytes.length === 1 || socket.push(bytes.subarray(1));
      }
      if (bytes[0] !== STATUS_REFUSED) return fail(socket, 'The egress gate answered with an unknown status', 'ECONNRESET');
      reason = Buffer.alloc(0);
      bytes = bytes.subarray(1);
    }
    reason = Buffer.concat([reason, bytes]).subarray(0, MAX_REASON);
    const end = reason.indexOf(0x0a);
    if (end === -1 && reason.length < MAX_REASON) return true;
    return fail(socket, reason.subarray(0, end === -1 ? undefined : end).toString(), 'ECONNREFUSED');
  };
}

function fail(socket: net.Socket, message: string, code: string): false {
  socket.destroy(failure(message, code));
  return false;
}

function failure(message: string, code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}
