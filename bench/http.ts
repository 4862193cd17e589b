// The HTTP harness of the benchmarks: each server in a child process of its own (the same bench
// file, started with `--serve <kind>`), autocannon in the parent, interleaved rounds.
import { type ChildProcess, fork } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median } from './race.ts';

const require = createRequire(import.meta.url);

export interface HttpMethod {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/** What each server is sent: a POST of `body` with `headers` to `path`. */
export interface Target {
  path: string;
  body: string;
  headers: Record<string, string>;
}

interface Child {
  process: ChildProcess;
  port: number;
}

/** Child side: start the server `make` builds on 127.0.0.1, report its port to the parent, serve until killed. */
export async function serveInChild(make: () => Promise<Server>): Promise<void> {
  try {
    const server = await make();
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  } catch (error) {
    process.send!({ error: String((error as { code?: unknown }).code ?? (error as Error).message ?? error) });
  }
}

function startChild(script: string, kind: string): Promise<Child> {
  const child = fork(script, ['--serve', kind], { execArgv: ['--no-warnings', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve({ process: child, port: message.port }) : (child.kill(), reject(new Error(message.error))),
    );
    child.once('exit', (code) => reject(new Error(`the ${kind} server exited (${code})`)));
  });
}

async function post(port: number, target: Target): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${target.path}`, { method: 'POST', headers: target.headers, body: target.body });
  return { status: res.status, body: await res.text() };
}

interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}
type AutocannonRun = PromiseLike<AutocannonResult> & { on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void };
const autocannon = require('autocannon') as (options: object) => AutocannonRun;

/**
 * Keep-alive load on `target` at `port`: requests/s; with `latencies`, every 200 answer's latency
 * in ms (autocannon's own histogram keeps whole milliseconds, and a warm answer is under 1–3 ms).
 */
export async function load(port: number, target: Target, seconds: number, connections: number, latencies?: number[]): Promise<number> {
  const run = autocannon({ url: `http://127.0.0.1:${port}${target.path}`, method: 'POST', headers: target.headers, body: target.body, connections, duration: seconds });
  if (latencies) run.on('response', (_client, status, _bytes, ms) => void (status === 200 && latencies.push(ms)));
  const result = await run;
  if (result.errors || result.timeouts || result.non2xx) throw new Error(`port ${port}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`);
  return result.requests.total / result.duration;
}

// The load generator's garbage from one server's round would otherwise be collected during the
// next server's round (a faster server leaves more), on the cores the servers share with it.
setFlagsFromString('--expose-gc');
export const collect = runInNewContext('gc') as () => void;

/**
 * The order of the servers in each round: a fixed-seed shuffle, so no server always follows the
 * same other one (with a plain rotation, each server's predecessor never changes, and whatever a
 * round leaves behind — garbage, sockets, a warm or cold cache — biases the next server's figure).
 */
export function roundOrders<K>(kinds: readonly K[], rounds: number, seed = 0x2545f491): K[][] {
  let state = seed >>> 0;
  const random = (): number => {
    // xorshift32: deterministic, so a run can be repeated in the same order.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  return Array.from({ length: rounds }, () => {
    const order = [...kinds];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  });
}

/**
 * Start each kind's server (`script --serve <kind>`), check that every one answers the first
 * kind's answer, warm them up, then run interleaved rounds (each in its own shuffled order,
 * `roundOrders`), with a garbage collection of the load generator before every measured window.
 * Requests/s per kind (median of the rounds), and the samples; a server that cannot start is
 * left out with a note.
 */
export async function raceHttp<K extends string>(
  script: string,
  kinds: readonly K[],
  targetOf: (kind: K) => Target,
  method: HttpMethod,
  compare: (answer: string) => string = (answer) => answer,
): Promise<{ requests_per_s: Partial<Record<K, number>>; samples_rps: Partial<Record<K, number[]>>; notes: string[] }> {
  const children: Partial<Record<K, Child>> = {};
  const notes: string[] = [];
  for (const kind of kinds) {
    try {
      children[kind] = await startChild(script, kind);
    } catch (error) {
      notes.push(`${kind}: not measured (${(error as Error).message})`);
    }
  }
  try {
    const running = kinds.filter((kind) => children[kind]);
    let expected: string | undefined;
    for (const kind of running) {
      const answer = await post(children[kind]!.port, targetOf(kind));
      expected ??= compare(answer.body);
      if (answer.status !== 200 || compare(answer.body) !== expected) throw new Error(`${kind} answered ${answer.status} ${answer.body}, ${running[0]} ${expected}`);
    }
    for (const kind of running) await load(children[kind]!.port, targetOf(kind), method.warmupSeconds, method.connections);
    const samples = Object.fromEntries(running.map((kind) => [kind, [] as number[]])) as Record<K, number[]>;
    for (const order of roundOrders(running, method.rounds)) {
      for (const kind of order) {
        collect();
        samples[kind].push(await load(children[kind]!.port, targetOf(kind), method.seconds, method.connections));
      }
    }
    const requests = Object.fromEntries(running.map((kind) => [kind, median(samples[kind])])) as Record<K, number>;
    return { requests_per_s: requests, samples_rps: samples, notes };
  } finally {
    for (const child of Object.values(children) as Child[]) child.process.kill();
  }
}
