/**
 * Issue #15 item 7's figure: the server's memory (RSS) while one log stream's reader reads nothing
 * and the container's webtasks log N MB of lines. The server runs in a child process of its own
 * (this file, `--serve <sandbox>`), with a `flood` webtask that logs 1000 lines of 1000 characters
 * a run (1 MB, within a run's default log budget); the bench opens /api/logs/tenant/{container},
 * pauses it, runs `flood` N times, sampling the server's RSS after each run, then reads again and
 * counts what came and what the server said it dropped.
 *
 * `npm run build && node --import tsx bench/log-reader.bench.ts [--mb N] [--sandbox jail|process|worker|in-process]`
 * (default 300 MB, the server's default sandbox). Its figures go to a new dated file through writeResults (report.ts).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { get, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '@ext-compilers/runtime';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { serveInChild } from './http.ts';
import { quiet } from './hook.ts';
import { describeMachine, machineNote, writeResults } from './report.ts';
import { followRecords } from '../packages/server/test/log-stream-support.ts';

const SELF = fileURLToPath(import.meta.url);
const ADMIN = 'ecadm_benchmark-admin-token-not-a-secret-0123456789';
const FLOOD = "module.exports = (ctx, cb) => { const line = 'x'.repeat(1000); for (let i = 0; i < 1000; i++) console.log(line); cb(null, {}); };";
const MB = 1e6;

/** Child side: the server, and its RSS on the bench's asking. */
async function serve(sandbox: Sandbox | undefined): Promise<void> {
  process.on('message', () => process.send!({ rss: process.memoryUsage().rss }));
  await serveInChild(async () => {
    const store = createMemoryStore();
    await store.put('bench', 'flood', { code: FLOOD });
    return createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox, logger: quiet });
  });
}

interface Child {
  process: ChildProcess;
  port: number;
}

function start(sandbox: string | undefined): Promise<Child> {
  const child = fork(SELF, ['--serve', sandbox ?? ''], { execArgv: ['--no-warnings', '--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) => (message.port ? resolve({ process: child, port: message.port }) : reject(new Error(message.error))));
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
}

function rss(child: Child): Promise<number> {
  return new Promise((resolve) => {
    child.process.once('message', (message: { rss: number }) => resolve(message.rss));
    child.process.send('rss');
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string', default: '300' }, sandbox: { type: 'string' } } });
  const runs = Number(values.mb);
  const began = Date.now();
  const machine = describeMachine();
  const child = await start(values.sandbox);
  const base = `http://127.0.0.1:${child.port}`;
  const flood = async () => {
    const answer = await fetch(`${base}/api/run/bench/flood`);
    await answer.text();
    if (answer.status !== 200) throw new Error(`flood answered ${answer.status}`);
  };
  try {
    await flood(); // compiled, and its guest started, before the figures
    const request = get(`${base}/api/logs/tenant/bench`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const reader = await new Promise<IncomingMessage>((resolve) => request.once('response', resolve));
    const seen = followRecords(reader);
    reader.pause();
    const before = await rss(child);
    let peak = before;
    for (let run = 0; run < runs; run++) {
      await flood();
      peak = Math.max(peak, await rss(child));
    }
    const after = await rss(child);
    reader.resume();
    // Every run publishes 1000 lines and one timing record: wait (at most 30 s) until all are accounted for.
    const total = runs * 1001;
    for (const deadline = Date.now() + 30_000; seen.records + seen.dropped < total && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50));
    request.destroy();
    const seconds = (Date.now() - began) / 1000;
    const mb = (bytes: number) => Math.round(bytes / MB);
    console.log(`\n## The server's RSS while one log stream's reader reads nothing (${runs} MB of lines, sandbox: ${values.sandbox ?? 'the default'})\n`);
    console.log('| before the flood | peak during it | after it | records that came once read again | records the server said it dropped |\n|--:|--:|--:|--:|--:|');
    console.log(`| ${mb(before)} MB | ${mb(peak)} MB | ${mb(after)} MB | ${seen.records} | ${seen.dropped} (${seen.notices.length} notices) |`);
    console.log(`\n${seen.records + seen.dropped} of ${total} records accounted for. ${machineNote(machine, seconds)}`);
    writeResults('log-reader', machine, seconds, { produced_mb: runs, sandbox: values.sandbox ?? 'default', rss_mb: { before: mb(before), peak: mb(peak), after: mb(after) }, records: { total, came: seen.records, dropped: seen.dropped, notices: seen.notices.length } });
  } finally {
    child.process.kill();
  }
}

if (process.argv[2] === '--serve') await serve((process.argv[3] || undefined) as Sandbox | undefined);
else await main();
