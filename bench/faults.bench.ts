// Issue #15's figure: a healthy neighbour's p99 under a tenant's faults, with the default settings
// of `ext-compilers start` (the real CLI in a child process, its own data directory).
//
// One tenant (`alice`) calls a small webtask from 4 clients in a closed loop. Its latencies are
// taken alone, then while another tenant (`mallory`) keeps 8 clients on webtasks that loop
// forever, throw, allocate until they are killed, flood the console, and answer after 2 s.
// Separately, 5 slow-but-correct runs of one webtask are started at once: the last answer's wait
// says whether they queued behind each other. Target: the neighbour's p99 under faults < 1 s.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine, machineNote, writeResults } from './report.ts';

const CLI = new URL('../packages/cli/bin/ext-compilers.cjs', import.meta.url).pathname;
const METHOD = { neighbourClients: 4, faultClients: 8, aloneSeconds: 10, faultSeconds: 30, slowRuns: 5, slowMs: 2000 };
const TARGET_P99_MS = 1000;

const FAULTS: Record<string, string> = {
  loop: 'module.exports = (cb) => { for (;;) {} };',
  throws: 'module.exports = (cb) => { JSON.parse("{not json"); };',
  memory: 'const keep = []; module.exports = (cb) => { for (;;) keep.push(Buffer.alloc(1 << 20, 1)); };',
  flood: 'module.exports = (cb) => { for (let i = 0; i < 20000; i++) console.log("flood line", i, "x".repeat(200)); cb(null, "flooded"); };',
  slow: `module.exports = (cb) => setTimeout(() => cb(null, "slow"), ${METHOD.slowMs});`,
};
const HEALTHY = 'module.exports = (ctx, cb) => cb(null, { hello: ctx.query.who || "world", at: Date.now() });';

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
  data: string;
}

async function startServer(): Promise<Server> {
  const data = mkdtempSync(join(tmpdir(), 'faults-bench-'));
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`ext-compilers start exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return { child, url, token: readFileSync(join(data, 'admin-token'), 'utf8').trim(), data };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
  rmSync(server.data, { recursive: true, force: true });
}

async function put(server: Server, container: string, name: string, code: string): Promise<void> {
  const res = await fetch(`${server.url}/api/webtask/${container}/${name}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (res.status !== 200) throw new Error(`PUT ${container}/${name}: ${res.status} ${await res.text()}`);
}

/** One run: its status and latency in ms (status 0: the connection failed). */
async function run(server: Server, container: string, name: string): Promise<{ status: number; ms: number }> {
  const began = performance.now();
  try {
    const res = await fetch(`${server.url}/api/run/${container}/${name}?who=${container}`, { method: 'POST' });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - began };
  } catch {
    return { status: 0, ms: performance.now() - began };
  }
}

/** `clients` closed loops of `call` until `until`; every answer's status and latency. */
async function closedLoops<T>(clients: number, until: number, call: (client: number) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < until) answers.push(await call(client));
    }),
  );
  return answers;
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

function describe(answers: { status: number; ms: number }[]) {
  const ok = answers.filter((answer) => answer.status === 200).map((answer) => answer.ms);
  const statuses: Record<string, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return { count: answers.length, statuses, p50_ms: quantile(ok, 0.5), p99_ms: quantile(ok, 0.99), max_ms: Math.max(...ok) };
}

async function neighbourAlone(server: Server) {
  return describe(await closedLoops(METHOD.neighbourClients, performance.now() + METHOD.aloneSeconds * 1000, () => run(server, 'alice', 'hello')));
}

async function neighbourUnderFaults(server: Server) {
  const until = performance.now() + METHOD.faultSeconds * 1000;
  const names = Object.keys(FAULTS).filter((name) => name !== 'slow');
  const [neighbour, faults] = await Promise.all([
    closedLoops(METHOD.neighbourClients, until, () => run(server, 'alice', 'hello')),
    closedLoops(METHOD.faultClients, until, (client) => run(server, 'mallory', names[client % names.length]!)),
  ]);
  return { neighbour: describe(neighbour), faults: describe(faults) };
}

/** `slowRuns` runs of the 2 s webtask started at once: each one's latency. */
async function slowTogether(server: Server): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: METHOD.slowRuns }, () => run(server, 'mallory', 'slow')));
  if (answers.some((answer) => answer.status !== 200)) throw new Error(`slow runs: ${answers.map((answer) => answer.status).join(', ')}`);
  return answers.map((answer) => answer.ms).sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const began = performance.now();
  const server = await startServer();
  try {
    await put(server, 'alice', 'hello', HEALTHY);
    for (const [name, code] of Object.entries(FAULTS)) await put(server, 'mallory', name, code);
    await closedLoops(2, performance.now() + 2000, () => run(server, 'alice', 'hello'));
    const alone = await neighbourAlone(server);
    const slow = await slowTogether(server);
    const underFaults = await neighbourUnderFaults(server);
    const seconds = (performance.now() - began) / 1000;
    const pass = underFaults.neighbour.p99_ms < TARGET_P99_MS;
    const f = (ms: number) => ms.toFixed(1);
    console.log('## A healthy neighbour under a tenant\'s faults (ext-compilers start, default settings)\n');
    console.log('| neighbour | answers | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|');
    console.log(`| alone | ${alone.count} | ${f(alone.p50_ms)} | ${f(alone.p99_ms)} | ${f(alone.max_ms)} |`);
    console.log(`| under faults | ${underFaults.neighbour.count} | ${f(underFaults.neighbour.p50_ms)} | ${f(underFaults.neighbour.p99_ms)} | ${f(underFaults.neighbour.max_ms)} |`);
    console.log(`\nThe faulty tenant's answers: ${JSON.stringify(underFaults.faults.statuses)}; neighbour's: ${JSON.stringify(underFaults.neighbour.statuses)}`);
    console.log(`${METHOD.slowRuns} slow (${METHOD.slowMs} ms) runs at once answered in ${slow.map(f).join(', ')} ms`);
    console.log(`\n${pass ? 'PASS' : 'FAIL'}  a healthy neighbour's p99 under faults below ${TARGET_P99_MS} ms (${f(underFaults.neighbour.p99_ms)} ms)`);
    console.log(machineNote(machine, seconds));
    writeResults('faults', machine, seconds, { method: METHOD, target_p99_ms: TARGET_P99_MS, pass, alone, under_faults: underFaults, slow_together_ms: slow });
  } finally {
    await stopServer(server);
  }
}

await main();
