/**
 * Issue #5's benchmark: the multi-tenant server's run route (`/api/run/{container}/{name}`, the
 * webtask read from its store, through its executor) against the runtime's `createServer` for the
 * same hook, with the same executor, side by side in one run. Target: the server at least 0.7x.
 * `npm run bench`; bench/README.md ("Server") says what is measured.
 *
 * The same file is every child process: `--serve <kind>` starts one server and reports its port.
 */
import { fileURLToPath } from 'node:url';
import { createServer, type Sandbox } from '@ext-compilers/runtime';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { type HttpMethod, raceHttp, serveInChild } from './http.ts';
import { BODY, HEADERS, META, POINT, SECRETS, quiet } from './hook.ts';
import { describeMachine, machineNote, writeResults } from './report.ts';

const SELF = fileURLToPath(import.meta.url);
const TARGET = 0.7;
const HTTP: HttpMethod = { rounds: 41, seconds: 1, warmupSeconds: 1, connections: 10 };


const KINDS = ['runtime-in-process', 'server-in-process', 'runtime-worker', 'server-worker'] as const;
type Kind = (typeof KINDS)[number];

async function makeServer(kind: Kind) {
  const sandbox: Sandbox = kind.endsWith('worker') ? 'worker' : 'in-process';
  if (kind.startsWith('runtime')) return createServer(POINT.hook, { meta: META, secrets: SECRETS, sandbox, logger: quiet });
  const store = createMemoryStore();
  await store.put('bench', 'hook', { code: POINT.hook, meta: META, secrets: SECRETS });
  const adminToken = 'ecadm_benchmark-admin-token-not-a-secret-0123456789';
  return createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken, sandbox, logger: quiet });
}

const targetOf = (kind: Kind) => ({ path: kind.startsWith('server') ? '/api/run/bench/hook' : '/', body: BODY, headers: HEADERS });

async function main(): Promise<void> {
  const began = Date.now();
  const machine = describeMachine();
  const { requests_per_s: m, samples_rps, notes } = await raceHttp(SELF, KINDS, targetOf, HTTP);
  const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a / b);
  const ratios = {
    in_process: ratio(m['server-in-process'], m['runtime-in-process']),
    worker: ratio(m['server-worker'], m['runtime-worker']),
    defaults: ratio(m['server-worker'], m['runtime-in-process']),
  };
  const pass = { in_process: ratios.in_process === undefined ? undefined : ratios.in_process >= TARGET, worker: ratios.worker === undefined ? undefined : ratios.worker >= TARGET };
  const seconds = (Date.now() - began) / 1000;

  const k = (rps: number | undefined) => (rps === undefined ? '—' : `${(rps / 1000).toFixed(2)}k`);
  const x = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}x`);
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'NOT MEASURED' : ok ? 'PASS' : 'FAIL');
  console.log(`\n## The server's run route vs the runtime's createServer, same hook, same executor (keep-alive, ${HTTP.connections} connections, median requests/s of ${HTTP.rounds} rounds of ${HTTP.seconds} s)\n`);
  console.log('| executor | runtime createServer | server /api/run | server/runtime (≥ 0.7) |\n|---|--:|--:|--:|');
  console.log(`| in-process | ${k(m['runtime-in-process'])} | ${k(m['server-in-process'])} | ${x(ratios.in_process)} ${verdict(pass.in_process)} |`);
  console.log(`| worker | ${k(m['runtime-worker'])} | ${k(m['server-worker'])} | ${x(ratios.worker)} ${verdict(pass.worker)} |`);
  console.log(`\nEach with its default executor (server: worker; createServer: in-process): ${x(ratios.defaults)} — not a target: it is the worker executor's cost, measured in bench/runtime.bench.ts.`);
  for (const note of notes) console.log(`\n${note}`);
  const summary = [
    `${verdict(pass.in_process)}  server run route at least ${TARGET}x createServer, in-process (${x(ratios.in_process)})`,
    `${verdict(pass.worker)}  server run route at least ${TARGET}x createServer, worker (${x(ratios.worker)})`,
  ];
  console.log(`\n${summary.join('\n')}\n\n${machineNote(machine, seconds)}`);
  writeResults('server', machine, seconds, { method: { http: HTTP, statistic: 'medians of rounds; ratios are ratios of medians' }, target: TARGET, summary, requests_per_s: m, ratios, pass, notes, samples_rps });
}

if (process.argv[2] === '--serve') await serveInChild(() => makeServer(process.argv[3] as Kind));
else await main();
