// A webtask that throws synchronously inside res.end — an invalid chunk, a replaced res.end that
// throws, a wrapper that throws and then swallows the pipeline's own answer — is answered 500 with
// the synchronous-exception body, in every sandbox and under simulate(); a throw after the webtask
// wrote its head ends that response. (Issue 15: guests answered 200, or nothing until their host's
// time limit answered 504, and the in-process pipeline let the second throw escape.)
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AddressInfo } from 'node:net';
import { createExecutor, createJobWebtask, createServer, type Sandbox, simulate } from '@ext-compilers/runtime';

const logger = { info() {}, warn() {}, error() {} };
const TIMEOUT = 2000;
const SYNC = 'Script generated an unhandled synchronous exception.';

const CASES: Record<string, string> = {
  'invalid chunk': 'module.exports = (ctx, req, res) => { res.end({ not: "bytes" }); };',
  'res.end replaced by a throw': "module.exports = (ctx, req, res) => { res.end = () => { throw new Error('end replaced'); }; res.end('x'); };",
  'a wrapper that throws, then swallows': "module.exports = (ctx, req, res) => { res.end = (chunk) => { if (chunk === undefined) throw new Error('no chunk'); }; res.end(); };",
  'a throwing res.end after the head': "module.exports = (ctx, req, res) => { res.writeHead(202); res.end = () => { throw new Error('late'); }; res.end('done'); };",
};

const EXPECTED = [
  ['invalid chunk', 500, SYNC, 'The "chunk" argument must be of type string or an instance of Buffer or Uint8Array.'],
  ['res.end replaced by a throw', 500, SYNC, 'end replaced'],
  ['a wrapper that throws, then swallows', 500, SYNC, 'no chunk'],
  ['a throwing res.end after the head', 202, undefined, undefined],
];

/** The row of one answer: its status and, for a JSON error body, its `error` and `message` (Node's own message cut at its "Received …"). */
function row(name: string, status: number, text: string): unknown[] {
  const body = text === '' ? {} : JSON.parse(text);
  return [name, status, body.error, body.message?.replace(/ Received .*$/, '')];
}

async function overHttp(code: string): Promise<[number, string]> {
  const server = await createServer(code, { sandbox: 'in-process', timeout: TIMEOUT, logger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { signal: AbortSignal.timeout(10_000) });
    return [response.status, await response.text()];
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const simulated = suite('simulate(): a throw inside res.end');
simulated('answers 500, or ends the response the webtask started', async () => {
  const rows: unknown[] = [];
  for (const [name, code] of Object.entries(CASES)) {
    const { statusCode, payload } = await simulate(code, { timeout: TIMEOUT, logger });
    rows.push(row(name, statusCode, payload));
  }
  assert.equal(rows, EXPECTED);
});
simulated.run();

const served = suite('in-process createServer(): a throw inside res.end of a real response');
served('answers 500, or ends the response the webtask started', async () => {
  const rows: unknown[] = [];
  for (const [name, code] of Object.entries(CASES)) rows.push(row(name, ...(await overHttp(code))));
  assert.equal(rows, EXPECTED);
});
served.run();

for (const sandbox of ['worker', 'process', 'jail'] as Sandbox[]) {
  const test = suite(`${sandbox}: a throw inside res.end in a guest`);
  test('answers 500, or ends the response the webtask started; the guest keeps serving', async () => {
    const executor = createExecutor({ sandbox, size: 1, timeout: TIMEOUT, logger });
    try {
      const rows: unknown[] = [];
      for (const [name, code] of Object.entries(CASES)) {
        const webtask = createJobWebtask(`throw-in-answer ${name}`, code, { timeout: TIMEOUT });
        const { statusCode, body } = await executor.run({ webtask, request: { method: 'GET', url: '/', headers: {}, body: undefined } });
        rows.push(row(name, statusCode, body.toString()));
      }
      assert.equal(rows, EXPECTED);
    } finally {
      await executor.close();
    }
  });
  test.run();
}
