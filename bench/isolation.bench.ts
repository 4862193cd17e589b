/**
 * Issue #14's benchmark: what the `jail` sandbox costs, side by side in one run against the built
 * packages. Four figures, each against its target:
 * 1. the warm run route, `jail` vs `worker`: requests/s (jail at least 0.8x);
 * 2. a new container's first answer with `jail`, the guest's jail start included (p50 ≤ 150 ms);
 * 3. an idle jailed guest's memory (RSS ≤ 40 MB), beside a bare `node` process's;
 * 4. 200 containers taking turns under a cap of 8 guests: a hot container's p99 within 2x of its
 *    p99 alone.
 * `npm run bench`; bench/README.md ("Isolation") says what is measured. It reports, never fails.
 *
 * The same file is every server's child process: `--serve <options as JSON>` opens one server over
 * a temporary data directory and reports its port and admin token.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jailSupport } from '@ext-compilers/runtime';
import { openServer } from '@ext-compilers/server';
import { collect, load, roundOrders } from './http.ts';
import { BODY, HEADERS, META, POINT, SECRETS, quiet } from './hook.ts';
import { median } from './race.ts';
import { describeMachine, machineNote, writeResults } from './report.ts';

const SELF = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

const TARGETS = { jailOverWorker: 0.8, firstAnswerP50Ms: 150, idleRssMb: 40, hotP99Ratio: 2 };
/** 1. Warm run route: keep-alive load on one named webtask, interleaved rounds, medians. */
const WARM = { connections: 10, warmupSeconds: 3, rounds: 5, seconds: 5 };
/** 2. First answers: containers never seen before, one at a time on a quiet server. */
const FIRST = { containers: 30, warmup: 3, pauseMs: 50, workers: 64 };
/** 3. Memory: how long a guest is left idle before it is read. */
const IDLE_MS = 1500;
/** 4. Taking turns: a hot container under steady load, 200 others one request each, in turn. */
const TURNS = { workers: 8, containers: 200, hotConnections: 4, churnConcurrency: 4, warmupSeconds: 3, rounds: 4, seconds: 5, settleMs: 1000, evicting: 30 };
/** Floors of a guest's start: each started this many times, to its exit. */
const STARTS = 10;


type Sandbox = 'jail' | 'worker' | 'process';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


// ---------------------------------------------------------------------------------------------
// Servers: each in a child process of its own, over a temporary data directory.

interface ServeOptions {
  data: string;
  sandbox: Sandbox;
  workers?: number | undefined;
}

/** Child side: open the server, listen on loopback, report; stop on the bench's word or when it is gone. */
async function serve(options: ServeOptions): Promise<void> {
  try {
    const opened = await openServer({ ...options, timeout: 20_000, logger: quiet, modules: false });
    opened.server.keepAliveTimeout = 60_000;
    opened.server.listen(0, '127.0.0.1', () => process.send!({ port: (opened.server.address() as AddressInfo).port, adminToken: opened.adminToken }));
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void opened.close().finally(() => process.exit(0));
    };
    process.on('message', stop);
    process.on('disconnect', stop);
  } catch (error) {
    process.send!({ error: String((error as { code?: unknown }).code ?? (error as Error).message ?? error) });
  }
}

interface Served {
  sandbox: Sandbox;
  workers: number | undefined;
  child: ChildProcess;
  port: number;
  adminToken: string;
  data: string;
}

async function startServer(sandbox: Sandbox, workers?: number): Promise<Served> {
  const data = mkdtempSync(join(tmpdir(), `isolation-bench-${sandbox}-`));
  const child = fork(SELF, ['--serve', JSON.stringify({ data, sandbox, workers })], { execArgv: ['--no-warnings', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const ready = await new Promise<{ port: number; adminToken: string }>((resolve, reject) => {
    child.once('message', (message: { port?: number; adminToken?: string; error?: string }) =>
      message.port ? resolve(message as { port: number; adminToken: string }) : (child.kill(), reject(new Error(`the ${sandbox} server: ${message.error}`))),
    );
    child.once('exit', (code) => reject(new Error(`the ${sandbox} server exited (${code})`)));
  });
  return { sandbox, workers, child, data, ...ready };
}

async function stopServer(served: Served): Promise<void> {
  if (served.child.exitCode === null && served.child.signalCode === null) {
    const exited = new Promise((resolve) => served.child.once('exit', resolve));
    served.child.send('close');
    const timer = setTimeout(() => served.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(served.data, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Requests: webtasks made through the management API, run through the run route.

interface Answer {
  status: number;
  text: string;
  serverTiming: string | null;
  ms: number;
}

async function call(served: Served, method: string, path: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const began = process.hrtime.bigint();
  const res = await fetch(`http://127.0.0.1:${served.port}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, text, serverTiming: res.headers.get('server-timing'), ms: Number(process.hrtime.bigint() - began) / 1e6 };
}

/** The hook as webtask `hook` of `container`, made with the admin token. */
async function putHook(served: Served, container: string): Promise<void> {
  const headers = { authorization: `Bearer ${served.adminToken}`, 'content-type': 'application/json' };
  const answer = await call(served, 'PUT', `/api/webtask/${container}/hook`, JSON.stringify({ code: POINT.hook, meta: META, secrets: SECRETS }), headers);
  if (answer.status !== 200) throw new Error(`PUT ${container}/hook: ${answer.status} ${answer.text}`);
}

const runPath = (container: string) => `/api/run/${container}/hook`;

async function runHook(served: Served, container: string): Promise<Answer> {
  const answer = await call(served, 'POST', runPath(container), BODY, HEADERS);
  if (answer.status !== 200) throw new Error(`POST ${runPath(container)} (${served.sandbox}): ${answer.status} ${answer.text}`);
  return answer;
}

/** Milliseconds of one `Server-Timing` metric (`compile`, `modules`, `user`). */
function timingOf(header: string | null, metric: string): number | undefined {
  const found = header?.match(new RegExp(`(?:^|,\\s*)${metric};dur=([\\d.]+)`));
  return found ? Number(found[1]) : undefined;
}

/** Keep-alive load on `container`'s hook: requests/s, and every answer's latency (ms) when `latencies` is given. */
function loadHook(served: Served, container: string, seconds: number, connections: number, latencies?: number[]): Promise<number> {
  return load(served.port, { path: runPath(container), body: BODY, headers: HEADERS }, seconds, connections, latencies);
}

/** The q-quantile (0–1) of `values`, nearest rank. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// Guests' memory, read from /proc: a jailed guest is a `node` process below a `bwrap` below the
// server (as root, it also runs as a uid of its own, JAIL_UID_BASE + n, ≥ 100000; the bwrap
// ancestry holds whoever runs the server).

function procStatus(pid: number): Record<string, string> | undefined {
  try {
    const fields: Record<string, string> = {};
    for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
    }
    return fields;
  } catch {
    return undefined; // exited meanwhile
  }
}

/** Every process's children, from each process's PPid. */
function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    const parent = Number.isInteger(pid) ? Number(procStatus(pid)?.PPid) : Number.NaN;
    if (Number.isInteger(parent)) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  return children;
}

/** The `node` processes below `serverPid` that have a `bwrap` between them and the server. */
function jailedGuests(serverPid: number): number[] {
  const children = childrenOf();
  const guests: number[] = [];
  for (const queue = [{ pid: serverPid, jailed: false }]; queue.length > 0; ) {
    const { pid, jailed } = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      const name = procStatus(child)?.Name;
      if (jailed && name === 'node') guests.push(child);
      queue.push({ pid: child, jailed: jailed || name === 'bwrap' });
    }
  }
  return guests;
}

/** One process's memory in MB: RSS and its parts (status), PSS (smaps_rollup: shared pages divided among their sharers). */
interface Memory {
  rss: number;
  rss_anon: number;
  rss_file: number;
  pss: number;
  pss_anon: number | undefined;
}

function memoryOf(pid: number): Memory | undefined {
  const status = procStatus(pid);
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    return undefined;
  }
  const mb = (kb: string | undefined) => (kb === undefined ? Number.NaN : Number.parseInt(kb, 10) / 1024);
  const rolled = (key: string) => rollup.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1];
  if (!status) return undefined;
  const pssAnon = rolled('Pss_Anon');
  return { rss: mb(status.VmRSS), rss_anon: mb(status.RssAnon), rss_file: mb(status.RssFile), pss: mb(rolled('Pss')), pss_anon: pssAnon === undefined ? undefined : mb(pssAnon) };
}

interface MemorySummary {
  guests: number;
  median: Memory;
  max_rss: number;
}

function summarise(memories: Memory[]): MemorySummary {
  const of = (key: keyof Memory) => median(memories.map((memory) => memory[key] ?? Number.NaN));
  return { guests: memories.length, median: { rss: of('rss'), rss_anon: of('rss_anon'), rss_file: of('rss_file'), pss: of('pss'), pss_anon: of('pss_anon') }, max_rss: Math.max(...memories.map((memory) => memory.rss)) };
}

function guestMemory(served: Served): MemorySummary {
  return summarise(jailedGuests(served.child.pid!).map(memoryOf).filter((memory): memory is Memory => memory !== undefined));
}

// ---------------------------------------------------------------------------------------------
// Floors: a bare `node`, and node with the built guest entry loaded (it serves only when started
// as a guest, so here it loads and stops), each without a pool, a jail or a job.

const ENTRY = require.resolve('@ext-compilers/runtime/executor-entry');
const FLOORS = { node_e: '0', node_guest_entry: `require(${JSON.stringify(ENTRY)})` };
type Floor = keyof typeof FLOORS;

/** The floor's memory: the process left idle, read the same way as a guest's. */
async function idleMemory(floor: Floor): Promise<Memory> {
  const child = spawn(process.execPath, ['-e', `${FLOORS[floor]}; setInterval(() => {}, 1 << 30)`], { stdio: 'ignore', env: {} });
  await sleep(IDLE_MS);
  const memory = memoryOf(child.pid!);
  child.kill();
  if (!memory) throw new Error(`the ${floor} process exited`);
  return memory;
}

/** The floor's start: from spawn to exit, the median of STARTS (after 2 not kept), the floors interleaved. */
async function startTimes(): Promise<Record<Floor, number>> {
  const samples: Record<Floor, number[]> = { node_e: [], node_guest_entry: [] };
  for (let i = 0; i < STARTS + 2; i++) {
    for (const floor of Object.keys(FLOORS) as Floor[]) {
      const began = process.hrtime.bigint();
      const child = spawn(process.execPath, ['-e', FLOORS[floor]], { stdio: ['ignore', 'ignore', 'inherit'], env: {} });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      if (code !== 0) throw new Error(`the ${floor} process exited ${code}`);
      if (i >= 2) samples[floor].push(Number(process.hrtime.bigint() - began) / 1e6);
    }
  }
  return { node_e: median(samples.node_e), node_guest_entry: median(samples.node_guest_entry) };
}

async function floors() {
  return { start_ms: await startTimes(), idle_memory: { node_e: await idleMemory('node_e'), node_guest_entry: await idleMemory('node_guest_entry') } };
}

// ---------------------------------------------------------------------------------------------
// 1. Warm run route, jail vs worker (and, for information, the process sandbox: the same child
// process guest without the jail, to tell the jail's cost from a process's).

const WARM_KINDS = ['worker', 'jail', 'process'] as const;

async function warmRunRoute() {
  const servers = {} as Record<Sandbox, Served>;
  try {
    for (const kind of WARM_KINDS) servers[kind] = await startServer(kind);
    let expected: string | undefined;
    for (const kind of WARM_KINDS) {
      await putHook(servers[kind], 'bench');
      const answer = await runHook(servers[kind], 'bench');
      expected ??= answer.text;
      if (answer.text !== expected) throw new Error(`${kind} answers differently: ${expected} / ${answer.text}`);
    }
    for (const kind of WARM_KINDS) await loadHook(servers[kind], 'bench', WARM.warmupSeconds, WARM.connections);
    const samples = { worker: [] as number[], jail: [] as number[], process: [] as number[] };
    for (const order of roundOrders(WARM_KINDS, WARM.rounds)) {
      for (const kind of order) {
        collect();
        samples[kind].push(await loadHook(servers[kind], 'bench', WARM.seconds, WARM.connections));
      }
    }
    // 3, for information: the warm guests, after their thousands of requests.
    await sleep(IDLE_MS);
    const warmGuests = guestMemory(servers.jail);
    const rps = { worker: median(samples.worker), jail: median(samples.jail), process: median(samples.process) };
    return { requests_per_s: rps, jail_over_worker: rps.jail / rps.worker, jail_over_process: rps.jail / rps.process, samples_rps: samples, warm_guests_memory: warmGuests };
  } finally {
    await Promise.all(Object.values(servers).map(stopServer));
  }
}

// ---------------------------------------------------------------------------------------------
// 2. A new container's first answer (and 3, the idle guests it leaves).

interface FirstAnswer {
  ms: number;
  compile: number | undefined;
  user: number | undefined;
}

/** `count` containers never seen before, one at a time: PUT, then the timed first run. */
async function firstAnswers(served: Served, prefix: string, count: number): Promise<FirstAnswer[]> {
  const answers: FirstAnswer[] = [];
  for (let i = 0; i < count; i++) answers.push(await firstAnswer(served, `${prefix}-${i}`));
  return answers;
}

async function firstAnswer(served: Served, container: string): Promise<FirstAnswer> {
  await putHook(served, container);
  await sleep(FIRST.pauseMs);
  const answer = await runHook(served, container);
  return { ms: answer.ms, compile: timingOf(answer.serverTiming, 'compile'), user: timingOf(answer.serverTiming, 'user') };
}

function describeFirst(answers: FirstAnswer[]) {
  const ms = answers.map((answer) => answer.ms);
  const compile = answers.map((answer) => answer.compile ?? Number.NaN);
  const user = answers.map((answer) => answer.user ?? Number.NaN);
  return { count: answers.length, p50_ms: quantile(ms, 0.5), p90_ms: quantile(ms, 0.9), max_ms: Math.max(...ms), compile_p50_ms: median(compile), user_p50_ms: median(user), samples_ms: ms };
}

/**
 * A jail server and a process server (the same guest without the jail), enough workers that no
 * guest is stopped; new containers on each in turn, so the two meet the same moments of the
 * machine and their difference is the jail's own start. Then the jail's guests, idle.
 */
async function newContainers() {
  const servers = { jail: await startServer('jail', FIRST.workers), process: await startServer('process', FIRST.workers) };
  try {
    const answers = { jail: [] as FirstAnswer[], process: [] as FirstAnswer[] };
    for (let i = 0; i < FIRST.warmup + FIRST.containers; i++) {
      for (const kind of i % 2 ? (['process', 'jail'] as const) : (['jail', 'process'] as const)) {
        const answer = await firstAnswer(servers[kind], `first-${i}`);
        if (i >= FIRST.warmup) answers[kind].push(answer);
      }
    }
    const paired = answers.jail.map((answer, i) => answer.ms - answers.process[i]!.ms);
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) warm.push((await runHook(servers.jail, 'first-0')).ms);
    await sleep(IDLE_MS);
    const idle = guestMemory(servers.jail);
    return { jail: describeFirst(answers.jail), process: describeFirst(answers.process), jail_minus_process_p50_ms: median(paired), warm_answer_ms: median(warm), idle_guests_memory: idle };
  } finally {
    await Promise.all(Object.values(servers).map(stopServer));
  }
}

// ---------------------------------------------------------------------------------------------
// 4. 200 containers taking turns under a cap of 8 guests.

interface Churn {
  stop(): Promise<{ requests: number; failures: Record<string, number>; p50_ms: number; p90_ms: number }>;
}

/** `concurrency` loops, each sending one request to the next container in turn, until stopped. */
function churn(served: Served, containers: readonly string[], cursor: { next: number }): Churn {
  let stopped = false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const loop = async () => {
    while (!stopped) {
      const container = containers[cursor.next++ % containers.length]!;
      try {
        const answer = await call(served, 'POST', runPath(container), BODY, HEADERS);
        if (answer.status === 200) latencies.push(answer.ms);
        else failures[answer.status] = (failures[answer.status] ?? 0) + 1;
      } catch (error) {
        failures[(error as Error).message] = (failures[(error as Error).message] ?? 0) + 1;
      }
    }
  };
  const loops = Array.from({ length: TURNS.churnConcurrency }, loop);
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return { requests: latencies.length, failures, p50_ms: quantile(latencies, 0.5), p90_ms: quantile(latencies, 0.9) };
    },
  };
}

type Round = { kind: 'alone' | 'turns'; p50_ms: number; p99_ms: number; max_ms: number; over_100ms: number; requests_per_s: number; churn?: Awaited<ReturnType<Churn['stop']>> };

/** One round of load on the hot container, alone or while the others take turns. */
async function hotRound(served: Served, kind: Round['kind'], others: readonly string[], cursor: { next: number }): Promise<Round> {
  collect();
  const busy = kind === 'turns' ? churn(served, others, cursor) : undefined;
  if (busy) await sleep(TURNS.settleMs);
  const latencies: number[] = [];
  const rps = await loadHook(served, 'hot', TURNS.seconds, TURNS.hotConnections, latencies);
  const churned = await busy?.stop();
  const max = latencies.reduce((a, b) => Math.max(a, b), 0);
  return { kind, p50_ms: quantile(latencies, 0.5), p99_ms: quantile(latencies, 0.99), max_ms: max, over_100ms: latencies.filter((ms) => ms > 100).length, requests_per_s: rps, ...(churned ? { churn: churned } : {}) };
}

/**
 * A jail server capped at 8 guests, a hot container and 200 others. First, new containers' first
 * answers with the cap full (each stops an idle guest); then rounds of load on the hot container,
 * alone or while the others take turns, interleaved.
 */
async function takingTurns() {
  const served = await startServer('jail', TURNS.workers);
  try {
    const others = Array.from({ length: TURNS.containers }, (_, i) => `turn-${String(i).padStart(3, '0')}`);
    await putHook(served, 'hot');
    for (const container of others) await putHook(served, container);
    await runHook(served, 'hot');
    for (const container of others.slice(0, TURNS.workers)) await runHook(served, container);
    const evicting = describeFirst(await firstAnswers(served, 'evict', TURNS.evicting));
    await loadHook(served, 'hot', TURNS.warmupSeconds, TURNS.hotConnections);
    const rounds: Round[] = [];
    const cursor = { next: TURNS.workers };
    for (const order of roundOrders(['alone', 'turns'] as const, TURNS.rounds)) {
      for (const kind of order) rounds.push(await hotRound(served, kind, others, cursor));
    }
    const of = (kind: Round['kind'], key: 'p50_ms' | 'p99_ms') => median(rounds.filter((round) => round.kind === kind).map((round) => round[key]));
    const hot = { alone: { p50_ms: of('alone', 'p50_ms'), p99_ms: of('alone', 'p99_ms') }, turns: { p50_ms: of('turns', 'p50_ms'), p99_ms: of('turns', 'p99_ms') } };
    return { hot, p99_ratio: hot.turns.p99_ms / hot.alone.p99_ms, first_answer_evicting: evicting, rounds };
  } finally {
    await stopServer(served);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const began = Date.now();
  const machine = describeMachine();
  const support = jailSupport();
  if (!support.ok) return console.log(`\n## Tenant isolation: the jail sandbox (issue #14)\n\nNOT MEASURED: ${support.problem}`);
  // ISOLATION_ONLY=warm|first|turns runs one part and prints it, for work on one figure; nothing is saved.
  const only = process.env.ISOLATION_ONLY;
  if (only) return console.log(JSON.stringify(await { warm: warmRunRoute, first: newContainers, turns: takingTurns }[only as 'warm']?.(), null, 1));
  const warm = await warmRunRoute();
  const first = await newContainers();
  const turns = await takingTurns();
  const floor = await floors();
  const seconds = (Date.now() - began) / 1000;

  const idle = first.idle_guests_memory.median;
  const pass = {
    warm: warm.jail_over_worker >= TARGETS.jailOverWorker,
    first_answer: first.jail.p50_ms <= TARGETS.firstAnswerP50Ms,
    idle_rss: idle.rss <= TARGETS.idleRssMb,
    turns: turns.p99_ratio <= TARGETS.hotP99Ratio,
  };
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const summary = [
    `${verdict(pass.warm)}  warm run route: jail at least ${TARGETS.jailOverWorker}x worker (${warm.jail_over_worker.toFixed(2)}x)`,
    `${verdict(pass.first_answer)}  a new container's first answer, jail, p50 at most ${TARGETS.firstAnswerP50Ms} ms (${f1(first.jail.p50_ms)} ms)`,
    `${verdict(pass.idle_rss)}  an idle jailed guest at most ${TARGETS.idleRssMb} MB RSS (${f1(idle.rss)} MB; a bare node: ${f1(floor.idle_memory.node_e.rss)} MB)`,
    `${verdict(pass.turns)}  hot container's p99 with ${TURNS.containers} containers taking turns within ${TARGETS.hotP99Ratio}x of alone (${turns.p99_ratio.toFixed(2)}x)`,
  ];
  printTargets({ warm, first, turns }, pass);
  printFirstAnswer(first, turns.first_answer_evicting, floor.start_ms);
  printMemory(first.idle_guests_memory, warm.warm_guests_memory, floor.idle_memory);
  printTurns(turns.rounds);
  console.log(`\n${summary.join('\n')}\n\n${machineNote(machine, seconds)}`);
  writeResults('isolation', machine, seconds, {
    method: { warm: WARM, first: FIRST, idle_ms: IDLE_MS, turns: TURNS, starts: STARTS, statistic: 'medians of rounds; ratios are ratios of medians; quantiles nearest-rank' },
    targets: TARGETS,
    summary,
    pass,
    warm,
    first,
    turns,
    floors: floor,
  });
}

const f1 = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '—' : value.toFixed(1));
const k = (rps: number) => `${(rps / 1000).toFixed(2)}k`;
const mem = (m: Memory) => `RSS ${f1(m.rss)} (anon ${f1(m.rss_anon)}, file ${f1(m.rss_file)}), PSS ${f1(m.pss)} (anon ${f1(m.pss_anon)})`;
type Figures = { warm: Awaited<ReturnType<typeof warmRunRoute>>; first: Awaited<ReturnType<typeof newContainers>>; turns: Awaited<ReturnType<typeof takingTurns>> };

function printTargets({ warm, first, turns }: Figures, pass: Record<'warm' | 'first_answer' | 'idle_rss' | 'turns', boolean>): void {
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const rps = warm.requests_per_s;
  console.log('\n## Tenant isolation: the jail sandbox (issue #14)\n');
  console.log('| figure | measured | target | |\n|---|---|---|---|');
  console.log(`| warm run route, jail/worker req/s (median of ${WARM.rounds} rounds of ${WARM.seconds} s, ${WARM.connections} connections) | ${warm.jail_over_worker.toFixed(2)}x (jail ${k(rps.jail)}, worker ${k(rps.worker)}; process ${k(rps.process)}, jail/process ${warm.jail_over_process.toFixed(2)}x) | ≥ ${TARGETS.jailOverWorker}x | ${verdict(pass.warm)} |`);
  console.log(`| new container's first answer, jail, p50 (p90) of ${first.jail.count} | ${f1(first.jail.p50_ms)} ms (${f1(first.jail.p90_ms)} ms) | p50 ≤ ${TARGETS.firstAnswerP50Ms} ms | ${verdict(pass.first_answer)} |`);
  console.log(`| idle jailed guest, median of ${first.idle_guests_memory.guests} (MB) | ${mem(first.idle_guests_memory.median)}; max RSS ${f1(first.idle_guests_memory.max_rss)} | RSS ≤ ${TARGETS.idleRssMb} MB | ${verdict(pass.idle_rss)} |`);
  console.log(`| hot container's p99, ${TURNS.containers} containers taking turns (cap ${TURNS.workers}) / alone | ${turns.p99_ratio.toFixed(2)}x (${f1(turns.hot.turns.p99_ms)} ms / ${f1(turns.hot.alone.p99_ms)} ms) | ≤ ${TARGETS.hotP99Ratio}x | ${verdict(pass.turns)} |`);
}

function printFirstAnswer(first: Figures['first'], evicting: Figures['turns']['first_answer_evicting'], start: Record<Floor, number>): void {
  console.log('\n### Where a first answer goes (ms; medians)\n');
  console.log('| what | ms |\n|---|--:|');
  console.log(`| first answer, jail (${FIRST.workers} workers: no guest stopped) p50 / p90 | ${f1(first.jail.p50_ms)} / ${f1(first.jail.p90_ms)} |`);
  console.log(`| first answer, jail, cap of ${TURNS.workers} full (each stops an idle guest) p50 / p90 | ${f1(evicting.p50_ms)} / ${f1(evicting.p90_ms)} |`);
  console.log(`| first answer, process sandbox (the same guest, no jail; taking turns with the jail's) p50 / p90 | ${f1(first.process.p50_ms)} / ${f1(first.process.p90_ms)} |`);
  console.log(`| the jail's own start: jail − process, median of the pairs | ${f1(first.jail_minus_process_p50_ms)} |`);
  console.log(`| \`node -e 0\`, spawn to exit | ${f1(start.node_e)} |`);
  console.log(`| node loading the built guest entry, spawn to exit | ${f1(start.node_guest_entry)} |`);
  console.log(`| in the jail's first answer: compile / user code (Server-Timing) | ${f1(first.jail.compile_p50_ms)} / ${f1(first.jail.user_p50_ms)} |`);
  console.log(`| a warm answer, same server | ${f1(first.warm_answer_ms)} |`);
}

function printMemory(idle: MemorySummary, warm: MemorySummary, floor: Record<Floor, Memory>): void {
  console.log('\n### Memory (MB)\n');
  console.log(`- idle jailed guests that served one request (median of ${idle.guests}): ${mem(idle.median)}`);
  console.log(`- warm jailed guests after part 1's load (median of ${warm.guests}): ${mem(warm.median)}`);
  console.log(`- floor, a bare idle \`node -e\`: ${mem(floor.node_e)}`);
  console.log(`- floor, node with the guest entry loaded, idle: ${mem(floor.node_guest_entry)}`);
}

function printTurns(rounds: Figures['turns']['rounds']): void {
  console.log(`\n### Taking turns (hot: ${TURNS.hotConnections} connections; others: ${TURNS.churnConcurrency} at a time, one request each, in turn)\n`);
  console.log('| round | hot p50 ms | hot p99 ms | hot max ms | hot answers > 100 ms | hot req/s | others answered | others p50 / p90 ms | others failed |\n|---|--:|--:|--:|--:|--:|--:|--:|---|');
  for (const round of rounds) {
    const c = round.churn;
    console.log(`| ${round.kind} | ${f1(round.p50_ms)} | ${f1(round.p99_ms)} | ${f1(round.max_ms)} | ${round.over_100ms} | ${round.requests_per_s.toFixed(0)} | ${c ? c.requests : ''} | ${c ? `${f1(c.p50_ms)} / ${f1(c.p90_ms)}` : ''} | ${c ? JSON.stringify(c.failures) : ''} |`);
  }
}

if (process.argv[2] === '--serve') await serve(JSON.parse(process.argv[3]!) as ServeOptions);
else await main();
