// Issue 15, item 7: a log stream whose reader reads nothing costs the server a bounded backlog,
// however many lines its webtasks log. A client opens /api/logs/tenant/{container} on its own
// connection (127.0.0.1, port 0) and pauses it; 20 MB of lines are logged meanwhile; the bytes the
// server holds for that stream stay under the backlog, and once the client reads again every
// record either arrives or is counted in a record saying how many were dropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createMemoryStore, createWebtaskServer } from '@ext-compilers/server';
import { createTokenService, generateKeys } from '@ext-compilers/tokens';
import { followRecords } from './log-stream-support.ts';

const ADMIN = 'ecadm_test-admin-token-0123456789abcdef';
// The server's LOG_STREAM_BACKLOG (packages/server/README.md, "Limits"), and what one record may
// add past it: a console line is at most 8192 characters, and the `dropped` record is small.
const BACKLOG = 256 * 1024;
const ONE_RECORD = 16 * 1024;
// 500 lines of 1000 characters a run (within the default log budget of a run): 40 runs, 20 MB.
const RUNS = 40;
const FLOOD = "module.exports = (ctx, cb) => { const line = 'x'.repeat(1000); for (let i = 0; i < 500; i++) console.log(line); cb(null, {}); };";
const AFTER = "module.exports = (ctx, cb) => { console.log('after the flood'); cb(null, {}); };";

/** Resolve once `done()` holds, checked every 20 ms for at most 10 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not within 10 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a paused reader: the server holds at most the backlog for it, then says how many records it dropped', async () => {
  const store = createMemoryStore();
  await store.put('acme', 'flood', { code: FLOOD });
  await store.put('acme', 'after', { code: AFTER });
  const server = createWebtaskServer({ store, tokens: createTokenService(generateKeys()), adminToken: ADMIN, sandbox: 'in-process', logger: { error() {} } });
  const accepted: Socket[] = [];
  server.on('connection', (socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request = get(`${base}/api/logs/tenant/acme`, { headers: { authorization: `Bearer ${ADMIN}` } });
  try {
    const reader = await new Promise<IncomingMessage>((resolve) => request.once('response', resolve));
    const seen = followRecords(reader);
    // Paused, the client stops reading its socket once its buffers are full.
    reader.pause();
    const stream = accepted[0]!;
    let most = 0;
    for (let run = 0; run < RUNS; run++) {
      const answer = await fetch(`${base}/api/run/acme/flood`, { signal: AbortSignal.timeout(10_000) });
      assert.is(answer.status, 200);
      most = Math.max(most, stream.writableLength);
    }
    assert.ok(most <= BACKLOG + ONE_RECORD, `the server held ${most} bytes for a reader that read nothing`);
    reader.resume();
    assert.is((await fetch(`${base}/api/run/acme/after`, { signal: AbortSignal.timeout(10_000) })).status, 200);
    // Each run publishes its lines and one timing record: RUNS of 501, and the last run's 2.
    const total = RUNS * 501 + 2;
    await until(() => seen.messages.has('after the flood') && seen.records + seen.dropped === total, `${total} records accounted for (${seen.records} came, ${seen.dropped} counted as dropped)`);
    assert.ok(seen.notices.length > 0 && seen.notices.every(({ dropped }) => dropped > 0));
    const [first] = seen.notices;
    assert.is(first!.msg, `${first!.dropped} log records were dropped: this stream's reader fell ${BACKLOG} bytes behind.`);
  } finally {
    request.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
