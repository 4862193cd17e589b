/**
 * Issue #4's benchmark: the runtime (`@ext-compilers/runtime`) side by side with
 * webtask-runtime@2.0.0 + auth0-ext-compilers@6.1.0 and with the floors, in one run. Five targets:
 * simulate(), HTTP through createServer() (servers in child processes, autocannon in this one), the
 * worker executor, the memory of 10,000 compiled hooks, and cold start. `npm run bench`;
 * bench/README.md ("Runtime") says what is measured and why.
 *
 * The same file is every child process: `--serve <kind>` starts one server and reports its port,
 * `--memory` measures the heap of 10,000 hooks in a fresh process.
 */
import { fork, spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { nodejsCompiler } from '@ext-compilers/conformance';
import type { WebtaskCompiler, WebtaskContext } from '@ext-compilers/core';
import { compile, createServer, simulate } from '@ext-compilers/runtime';
import { raceHttp, serveInChild } from './http.ts';
import { POINTS } from './points.ts';
import { median } from './race.ts';
import { describeMachine, machineNote, writeResults } from './report.ts';

const require = createRequire(import.meta.url);
const SELF = fileURLToPath(import.meta.url);

const TARGETS = {
  simulateVsReference: 20,
  httpVsFloor: 0.8,
  httpVsReference: 4,
  workerVsInProcess: 0.7,
  memoryMB: 100,
  coldInProcessMs: 5,
  coldWorkerMs: 15,
} as const;
const SIMULATE = { warmup: 3, rounds: 21, ours: 2000, reference: 200 } as const;
const HTTP = { rounds: 41, seconds: 1, warmupSeconds: 1, connections: 10 } as const;
const MEMORY = { hooks: 10_000 } as const;
const COLD = { warmup: 20, samples: 301, workerSamples: 101 } as const;

const SECRET = 'c2VjcmV0LWZvci10aGUtYmVuY2htYXJrLTMyYnl0ZXM';
const SECRETS = { 'auth0-extension-secret': SECRET };
const POINT = POINTS.find((point) => point.name === 'client-credentials-exchange')!;
const META = { 'wt-compiler': 'ext-compilers/client-credentials-exchange' };
const BODY = JSON.stringify(POINT.body());
const HEADERS = { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' };
// webtask-runtime logs through its logger; nobody's logs are part of the measurement.
const quiet = { info() {}, warn() {}, error() {} };

interface Simulated {
  statusCode: number;
  payload: string;
}
interface WebtaskRuntime {
  simulate(fn: unknown, options: object, cb: (res: Simulated) => void): void;
  createServer(fn: unknown, options: object): Server;
}
const reference = require('webtask-runtime') as WebtaskRuntime;
const referenceCompilers = require('auth0-ext-compilers') as Record<string, WebtaskCompiler>;

/** The hook compiled by auth0-ext-compilers (webtask-runtime has no wt-compiler: its users compiled this way). */
function referenceHook(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const options = { script: POINT.hook, nodejsCompiler, secrets: SECRETS, meta: {} };
    referenceCompilers['client-credentials-exchange']!(options, (error, fn) => (error ? reject(error) : resolve(fn)));
  });
}

const oursHook = (): Promise<unknown> => compile(POINT.hook, { meta: META, secrets: SECRETS });

// ---------------------------------------------------------------------------------------------
// 1. simulate()

const simulateOptions = () => ({ method: 'POST', headers: { authorization: HEADERS.authorization }, payload: POINT.body(), secrets: SECRETS, logger: quiet });

type AsyncBatch = (n: number) => Promise<number>;

/** Interleaved rounds of async batches, the starting contender rotating: ns per operation per round. */
async function raceAsync<C extends string>(contenders: Record<C, { batch: AsyncBatch; n: number }>, warmup: number, rounds: number): Promise<Record<C, number[]>> {
  const names = Object.keys(contenders) as C[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<C, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length]!;
      const perOp = await contenders[name].batch(contenders[name].n);
      if (round >= warmup) samples[name].push(perOp);
    }
  }
  return samples;
}

async function benchSimulate() {
  const ours = await oursHook();
  const ref = await referenceHook();
  const runOurs = () => simulate(ours as never, simulateOptions());
  const runRef = () => new Promise<Simulated>((resolve) => reference.simulate(ref, simulateOptions(), resolve));
  const [a, b] = [await runOurs(), await runRef()];
  if (a.statusCode !== 200 || a.payload !== b.payload || !a.payload.includes('"status":"success"')) {
    throw new Error(`simulate: ours answered ${a.statusCode} ${a.payload}, webtask-runtime ${b.statusCode} ${b.payload}`);
  }
  const batch = (one: () => Promise<unknown>): AsyncBatch => async (n) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await one();
    return Number(process.hrtime.bigint() - start) / n;
  };
  const samples = await raceAsync(
    { reference: { batch: batch(runRef), n: SIMULATE.reference }, ours: { batch: batch(runOurs), n: SIMULATE.ours } },
    SIMULATE.warmup,
    SIMULATE.rounds,
  );
  const m = { reference: median(samples.reference), ours: median(samples.ours) };
  const ratio = m.reference / m.ours;
  return { median_ns: m, reference_over_ours: ratio, pass: ratio >= TARGETS.simulateVsReference, samples_ns: samples };
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. HTTP: each server in a child process, the load generator (autocannon) in this one.

type ServerKind = 'floor' | 'ours' | 'reference' | 'worker' | 'timed';

/** The floor: node:http, the body read and parsed, the hook called directly, the same envelope written. */
async function floorServer(): Promise<Server> {
  const hook = await new Promise<(...args: unknown[]) => void>((resolve, reject) =>
    nodejsCompiler(POINT.hook, (error, fn) => (error ? reject(error) : resolve(fn as never))),
  );
  return createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      hook(...POINT.args(body, { body } as WebtaskContext), (error: unknown, data: unknown) => {
        if (error) throw error;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`{"statusCode":200,"headers":{},"status":"success","data":${JSON.stringify(data)}}`);
      });
    });
  });
}

async function makeServer(kind: ServerKind): Promise<Server> {
  const options = { meta: META, secrets: SECRETS, logger: quiet };
  if (kind === 'floor') return floorServer();
  // The floor answers the envelope and nothing else: ours too, without the Server-Timing header
  // createServer adds by default ('timed' measures it with the header, for information).
  if (kind === 'ours') return createServer(POINT.hook, { ...options, serverTiming: false });
  if (kind === 'timed') return createServer(POINT.hook, options);
  if (kind === 'worker') return createServer(POINT.hook, { ...options, serverTiming: false, sandbox: 'worker' } as never);
  return reference.createServer(await referenceHook(), { secrets: SECRETS, logger: quiet });
}

async function benchHttp() {
  const only = process.argv.find((arg) => arg.startsWith('--kinds='))?.slice('--kinds='.length).split(',');
  const kinds = (['floor', 'ours', 'reference', 'worker', 'timed'] as const).filter((kind) => kind === 'floor' || !only || only.includes(kind));
  const target = { path: '/', body: BODY, headers: HEADERS };
  const { requests_per_s: m, samples_rps, notes } = await raceHttp(SELF, kinds, () => target, HTTP);
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);
  const ratios = {
    ours_over_floor: ratio(m.ours, m.floor),
    ours_over_reference: ratio(m.ours, m.reference),
    worker_over_ours: ratio(m.worker, m.ours),
    timed_over_ours: ratio(m.timed, m.ours),
  };
  const at = (value: number | undefined, target: number) => (value === undefined ? undefined : value >= target);
  const pass = {
    vs_floor: at(ratios.ours_over_floor, TARGETS.httpVsFloor),
    vs_reference: at(ratios.ours_over_reference, TARGETS.httpVsReference),
    worker: at(ratios.worker_over_ours, TARGETS.workerVsInProcess),
  };
  return { requests_per_s: m, ratios, pass, notes, samples_rps };
}

// ---------------------------------------------------------------------------------------------
// 4. Memory: 10,000 distinct hooks compiled and held, in a fresh process.

/** A small hook, distinct per `i` (a distinct source text is a distinct compile and cache entry). */
const smallHook = (i: number): string =>
  `module.exports = function (client, scope, audience, context, cb) {\n  cb(null, { scope: scope.concat(['tenant:${i}']), 'https://example.com/n': ${i} });\n};\n`;

async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('the memory child needs --expose-gc');
  const options = { meta: META, secrets: SECRETS, cache: { max: MEMORY.hooks } };
  await compile(smallHook(-1), options); // loads the compilers: not part of the hooks' cost
  gc();
  const before = process.memoryUsage();
  const held: unknown[] = [];
  for (let i = 0; i < MEMORY.hooks; i++) held.push(await compile(smallHook(i), options));
  gc();
  const after = process.memoryUsage();
  if (new Set(held).size !== MEMORY.hooks) throw new Error('memory: the hooks are not distinct');
  const res = await simulate(held[MEMORY.hooks - 1] as never, { ...simulateOptions(), logger: quiet });
  if (!res.payload.includes(`"https://example.com/n":${MEMORY.hooks - 1}`)) throw new Error(`memory: the last hook answered ${res.payload}`);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  process.send!({
    heap_mb: mb(after.heapUsed - before.heapUsed),
    rss_mb: mb(after.rss - before.rss),
    external_mb: mb(after.external - before.external),
    held: held.length,
  });
}

async function benchMemory() {
  const child = fork(SELF, ['--memory'], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const result = await new Promise<{ heap_mb: number; rss_mb: number; external_mb: number; held: number }>((resolve, reject) => {
    child.once('message', resolve as never);
    child.once('exit', (code) => reject(new Error(`the memory child exited (${code})`)));
  });
  child.kill();
  return { ...result, hooks: MEMORY.hooks, pass: result.heap_mb < TARGETS.memoryMB };
}

// ---------------------------------------------------------------------------------------------
// 5. Cold start: the first response of a hook never seen before, compile included.

let coldSerial = 0;
const coldHook = (): string => `${POINT.hook}\n// cold ${process.pid} ${coldSerial++}\n`;

async function coldInProcess(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < COLD.warmup + COLD.samples; i++) {
    const code = coldHook();
    const start = process.hrtime.bigint();
    const res = await simulate(code, { ...simulateOptions(), meta: META });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (res.statusCode !== 200) throw new Error(`cold start answered ${res.statusCode} ${res.payload}`);
    if (i >= COLD.warmup) times.push(ms);
  }
  return times;
}

/**
 * The worker executor: one pool, started and warmed by one hook, then every sample a hook it has
 * never seen (new code, new id) — its first response, compile in the worker included. The pool's
 * own start (creation to the first response) is reported beside it. It runs in a plain `node`
 * child: a Worker inherits its parent's `--import tsx`, which alone more than doubles its start.
 */
const COLD_WORKER_SCRIPT = `
import { createExecutor, createJobWebtask } from '@ext-compilers/runtime';
const hook = ${JSON.stringify(POINT.hook)};
const options = { meta: ${JSON.stringify(META)}, secrets: ${JSON.stringify(SECRETS)} };
const request = { method: 'POST', url: '/', headers: ${JSON.stringify(HEADERS)}, body: new TextEncoder().encode(${JSON.stringify(BODY)}) };
const run = async (executor, i) => {
  const result = await executor.run({ webtask: createJobWebtask('cold-' + i, hook + '// cold worker ' + i + ' ' + process.pid, options), request });
  if (result.statusCode !== 200 || !result.body.toString().includes('"status":"success"')) throw new Error('worker cold start answered ' + result.statusCode + ' ' + result.body);
};
let start = performance.now();
const executor = createExecutor({ sandbox: 'worker', size: 1 });
await run(executor, 'start');
const poolStart = performance.now() - start;
for (let i = 0; i < ${COLD.warmup}; i++) await run(executor, 'warm' + i);
const times = [];
for (let i = 0; i < ${COLD.workerSamples}; i++) {
  start = performance.now();
  await run(executor, i);
  times.push(performance.now() - start);
}
await executor.close();
console.log(JSON.stringify({ times, poolStart }));
`;

async function coldWorker(): Promise<{ times: number[]; poolStart: number } | string> {
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', COLD_WORKER_SCRIPT], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) return `not measured: ${/ERR_NOT_SUPPORTED/.test(err) ? "sandbox 'worker' is not available" : err.trim().split('\n').slice(-3).join(' ')}`;
  return JSON.parse(out) as { times: number[]; poolStart: number };
}

async function benchCold() {
  const inProcess = await coldInProcess();
  const worker = await coldWorker();
  const inMs = median(inProcess);
  const workerMs = typeof worker === 'string' ? undefined : median(worker.times);
  return {
    in_process_ms: inMs,
    worker_ms: workerMs,
    worker_pool_start_ms: typeof worker === 'string' ? undefined : worker.poolStart,
    worker_note: typeof worker === 'string' ? worker : undefined,
    pass: { in_process: inMs < TARGETS.coldInProcessMs, worker: workerMs === undefined ? undefined : workerMs < TARGETS.coldWorkerMs },
    samples_ms: { in_process: inProcess.map(round2), worker: typeof worker === 'string' ? [] : worker.times.map(round2) },
  };
}

// ---------------------------------------------------------------------------------------------

const round2 = (value: number): number => Math.round(value * 100) / 100;
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL');
const x = (ratio: number | undefined): string => (ratio === undefined ? '—' : `${ratio.toFixed(2)}x`);
const k = (rps: number | undefined): string => (rps === undefined ? '—' : `${(rps / 1000).toFixed(2)}k`);

async function main(): Promise<void> {
  const began = Date.now();
  const machine = describeMachine();
  // webtask-runtime's fake sockets (shot) raise process warnings; they would flood the output.
  process.removeAllListeners('warning');

  if (process.argv.includes('--cold-only')) return void console.log(await benchCold());
  if (process.argv.includes('--http-only')) return void console.log(await benchHttp().then(({ requests_per_s, ratios }) => ({ requests_per_s, ratios })));
  const sim = await benchSimulate();
  if (process.argv.includes('--simulate-only')) return void console.log(sim.median_ns, sim.reference_over_ours.toFixed(2), sim.samples_ns.ours.map((v) => Math.round(v / 100) / 10).join(' '));
  const http = await benchHttp();
  const mem = await benchMemory();
  const cold = await benchCold();
  const seconds = (Date.now() - began) / 1000;

  const us = (ns: number) => (ns / 1000).toFixed(1);
  console.log(`\n## simulate() of a client-credentials-exchange hook with a Bearer secret (median per call, ${SIMULATE.rounds} rounds)\n`);
  console.log('| webtask-runtime µs | ours µs | webtask-runtime/ours (≥ 20) |\n|--:|--:|--:|');
  console.log(`| ${us(sim.median_ns.reference)} | ${us(sim.median_ns.ours)} | ${x(sim.reference_over_ours)} ${verdict(sim.pass)} |`);

  const r = http.requests_per_s;
  console.log(`\n## HTTP, keep-alive, ${HTTP.connections} connections (median requests/s of ${HTTP.rounds} rounds of ${HTTP.seconds} s)\n`);
  console.log('| node:http floor | webtask-runtime | ours (in-process) | ours (worker) | ours/floor (≥ 0.8) | ours/webtask-runtime (≥ 4) | worker/in-process (≥ 0.7) |');
  console.log('|--:|--:|--:|--:|--:|--:|--:|');
  console.log(
    `| ${k(r.floor)} | ${k(r.reference)} | ${k(r.ours)} | ${k(r.worker)} | ${x(http.ratios.ours_over_floor)} ${verdict(http.pass.vs_floor)} | ${x(http.ratios.ours_over_reference)} ${verdict(http.pass.vs_reference)} | ${x(http.ratios.worker_over_ours)} ${verdict(http.pass.worker)} |`,
  );
  console.log(`\nWith createServer's default Server-Timing header (not sent by the floor): ${k(r.timed)}, ${x(http.ratios.timed_over_ours)} of ours without it.`);
  for (const note of http.notes) console.log(`\n${note}`);

  console.log(`\n## Memory: ${mem.hooks} distinct compiled hooks held (heap after a forced GC, minus the baseline)\n`);
  console.log('| heapUsed MB (< 100) | rss MB | external MB |\n|--:|--:|--:|');
  console.log(`| ${mem.heap_mb.toFixed(1)} ${verdict(mem.pass)} | ${mem.rss_mb.toFixed(1)} | ${mem.external_mb.toFixed(1)} |`);

  console.log(`\n## Cold start: first response of a never-seen hook, compile included (median of ${COLD.samples})\n`);
  console.log('| in-process simulate() ms (< 5) | started worker pool, createExecutor().run() ms (< 15) | the pool\'s own start to its first response, ms (not a target) |\n|--:|--:|--:|');
  const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(2));
  console.log(`| ${ms(cold.in_process_ms)} ${verdict(cold.pass.in_process)} | ${ms(cold.worker_ms)} ${verdict(cold.pass.worker)} | ${ms(cold.worker_pool_start_ms)} |`);
  if (cold.worker_note) console.log(`\nworker: ${cold.worker_note}`);

  const summary = [
    `${verdict(sim.pass)}  simulate: ours at least ${TARGETS.simulateVsReference}x webtask-runtime's rate (${x(sim.reference_over_ours)})`,
    `${verdict(http.pass.vs_floor)}  http: ours at least ${TARGETS.httpVsFloor}x the node:http floor (${x(http.ratios.ours_over_floor)})`,
    `${verdict(http.pass.vs_reference)}  http: ours at least ${TARGETS.httpVsReference}x webtask-runtime (${x(http.ratios.ours_over_reference)})`,
    `${verdict(http.pass.worker)}  http: the worker executor at least ${TARGETS.workerVsInProcess}x in-process (${x(http.ratios.worker_over_ours)})`,
    `${verdict(mem.pass)}  memory: ${mem.hooks} hooks in under ${TARGETS.memoryMB} MB of heap (${mem.heap_mb.toFixed(1)} MB)`,
    `${verdict(cold.pass.in_process)}  cold start in-process under ${TARGETS.coldInProcessMs} ms (${ms(cold.in_process_ms)} ms)`,
    `${verdict(cold.pass.worker)}  cold start with a started worker pool under ${TARGETS.coldWorkerMs} ms (${ms(cold.worker_ms)} ms)`,
  ];
  console.log(`\n${summary.join('\n')}`);
  console.log(`\n${machineNote(machine, seconds)}`);

  writeResults('runtime', machine, seconds, {
    method: { simulate: SIMULATE, http: HTTP, memory: MEMORY, cold: COLD, statistic: 'medians of rounds; ratios are ratios of medians' },
    targets: TARGETS,
    summary,
    simulate: sim,
    http,
    memory: mem,
    cold,
  });
}

const mode = process.argv[2];
if (mode === '--serve') await serveInChild(() => makeServer(process.argv[3] as ServerKind));
else if (mode === '--memory') await memory();
else await main();
