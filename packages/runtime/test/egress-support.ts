// Shared by the egress tests: a loopback HTTP server that counts its connections, a gate on a
// socket in a temporary directory, and a child process that runs a script with the egress client.
// Nothing here sends a byte to any address but 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEgressGate, type EgressAllow, type EgressListener } from '../src/executor/egress/index.ts';

export interface Loopback {
  server: Server;
  port: number;
  connections: number;
  close(): Promise<void>;
}

/** An HTTP(S) server on 127.0.0.1:0 answering each request with its path. */
export async function loopbackServer(create: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Server = createHttpServer): Promise<Loopback> {
  const server = create((req, res) => res.end(`hello ${req.url}`));
  const loopback = { server, port: 0, connections: 0, close: () => closeServer(server) };
  server.on('connection', () => void loopback.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  loopback.port = (server.address() as AddressInfo).port;
  return loopback;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export interface GateRun {
  socketPath: string;
  listener: EgressListener;
  refused: string[];
  bytes: { sent: number; received: number };
  close(): Promise<void>;
}

/** A gate with `allow`, listening on a socket in a new temporary directory. */
export async function gateOn(allow: EgressAllow, options: { maxConnections?: number } = {}): Promise<GateRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ext-compilers-egress-'));
  const socketPath = join(dir, 'egress.sock');
  const gate = createEgressGate({ allow, connectTimeout: 5_000, ...options });
  const refused: string[] = [];
  const bytes = { sent: 0, received: 0 };
  const listener = await gate.listen(socketPath, {
    onRefused: (line) => void refused.push(line),
    onBytes: (sent, received) => {
      bytes.sent += sent;
      bytes.received += received;
    },
  });
  const close = async () => {
    await gate.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { socketPath, listener, refused, bytes, close };
}

const CLIENT = new URL('../src/executor/egress/index.ts', import.meta.url).href;

/**
 * Run `body` (an async function body, ESM, with `net`, `tls`, `http`, `https` and `results` in
 * scope) in a child Node started as the tests are (tsx, source condition), after
 * `installEgressClient(socketPath)` unless `install` is false. `jail` runs it under bubblewrap
 * with no network but its own loopback. Resolves with the `results` object it printed.
 */
export function runChild(socketPath: string, body: string, options: { env?: Record<string, string>; jail?: boolean; install?: boolean } = {}): Promise<Record<string, unknown>> {
  const script = `
    import * as net from 'node:net'; import * as tls from 'node:tls'; import * as http from 'node:http'; import * as https from 'node:https';
    const { installEgressClient } = await import(${JSON.stringify(CLIENT)});
    if (${options.install !== false}) installEgressClient(${JSON.stringify(socketPath)});
    const results = {};
    const attempt = async (name, f) => {
      try { results[name] = await f(); } catch (e) { const c = e.cause ?? e; results[name] = { code: c.code, message: c.message }; }
    };
    const body = (res) => new Promise((resolve, reject) => { let b = ''; res.setEncoding('utf8'); res.on('data', (c) => (b += c)); res.on('end', () => resolve(b)); res.on('error', reject); });
    ${body}
    process.stdout.write(JSON.stringify(results));
  `;
  const node = [...process.execArgv, '--input-type=module', '-e', script];
  const [file, args] = options.jail ? ['bwrap', ['--unshare-net', '--dev-bind', '/', '/', '--die-with-parent', process.execPath, ...node]] : [process.execPath, node];
  return new Promise((resolve, reject) => {
    execFile(file as string, args as string[], { env: { ...process.env, ...options.env }, timeout: 30_000 }, (error, stdout, stderr) => {
      // Exit code 13: a top-level await never settled (a call that neither answered nor failed).
      if (error) return reject(new Error(`The child ended with ${error.code ?? error.signal}: ${stderr}`));
      resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
  });
}
