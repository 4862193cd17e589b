import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough, Readable } from 'node:stream';
import { readBody, type WebtaskContext, type WebtaskRequest } from '@ext-compilers/core';

function request(method: string, chunks: string[], contentType = 'application/json'): WebtaskRequest {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { method, headers: { 'content-type': contentType } }) as never;
}

function read(ctx: WebtaskContext, req: WebtaskRequest, maxBodySize?: number): Promise<Error | undefined> {
  return new Promise((resolve) => readBody(ctx, req, { maxBodySize }, resolve));
}

test('GET, HEAD and OPTIONS are not read', async () => {
  for (const method of ['GET', 'HEAD', 'OPTIONS']) {
    const ctx: WebtaskContext = { headers: {} };
    assert.is(await read(ctx, request(method, ['{"a":1}'])), undefined);
    assert.is(ctx.body, undefined);
  }
});

test('a body the runtime parsed is reused', async () => {
  const ctx: WebtaskContext = { headers: {}, body: { parsed: true } };
  await read(ctx, request('POST', ['{"a":1}']));
  assert.equal(ctx.body, { parsed: true });
});

test('JSON is parsed from the stream, across chunks', async () => {
  const ctx: WebtaskContext = { headers: {} };
  assert.is(await read(ctx, request('POST', ['{"a":', '[1,2]}'], 'application/json; charset=utf-8')), undefined);
  assert.equal(ctx.body, { a: [1, 2] });
  const vendor: WebtaskContext = { headers: {} };
  await read(vendor, request('PUT', ['{"v":1}'], 'application/vnd.api+json'));
  assert.equal(vendor.body, { v: 1 });
});

test('an empty body is null; a non-JSON media type gives the raw bytes', async () => {
  const empty: WebtaskContext = { headers: {} };
  await read(empty, request('POST', []));
  assert.is(empty.body, null);
  const text: WebtaskContext = { headers: {} };
  await read(text, request('POST', ['a=1'], 'application/x-www-form-urlencoded'));
  assert.ok(Buffer.isBuffer(text.body));
  assert.is((text.body as Buffer).toString(), 'a=1');
});

test('invalid JSON is a SyntaxError without server frames', async () => {
  const ctx: WebtaskContext = { headers: {} };
  const error = await read(ctx, request('POST', ['{nope']));
  assert.instance(error, SyntaxError);
  assert.is(error?.stack, `SyntaxError: ${error?.message}`);
});

test('a body over the limit is refused with ERR_BODY_TOO_LARGE', async () => {
  const ctx: WebtaskContext = { headers: {} };
  const error = (await read(ctx, request('POST', ['{"a":"', 'x'.repeat(50), '"}']), 16)) as Error & { code?: string };
  assert.is(error?.code, 'ERR_BODY_TOO_LARGE');
  assert.is(error?.message, 'Request body exceeds the limit of 16 bytes');
  assert.is(error?.stack, 'Error: Request body exceeds the limit of 16 bytes', 'no server frames in the envelope');
  assert.is(ctx.body, undefined);
});

test('a stream the runtime already consumed but could not parse is a null body, never waited on', async () => {
  const ctx: WebtaskContext = { headers: {}, body_raw: 'plain text' };
  const stream = Object.assign(new PassThrough(), { method: 'POST', headers: { 'content-type': 'application/json' } });
  assert.is(await read(ctx, stream as never), undefined);
  assert.is(ctx.body, null);
  const ended = Object.assign(Readable.from([]), { method: 'POST', headers: {} }) as never as WebtaskRequest;
  await new Promise((r) => { (ended as unknown as Readable).on('end', r).resume(); });
  const consumed: WebtaskContext = { headers: {} };
  assert.is(await read(consumed, ended), undefined);
  assert.is(consumed.body, null);
});

test('a stream error is reported as ERR_BODY_READ', async () => {
  const stream = Object.assign(new PassThrough(), { method: 'POST', headers: {} });
  const pending = read({ headers: {} }, stream as never);
  stream.destroy(new Error('socket hang up'));
  const error = (await pending) as Error & { code?: string };
  assert.is(error?.code, 'ERR_BODY_READ');
});

test.run();
