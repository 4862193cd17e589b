import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { BUFFERED_BODY, readStream } from '@ext-compilers/core';

type Outcome = { error?: { code?: string; message: string; details?: unknown; cause?: unknown }; body?: Buffer };

function read(stream: NodeJS.ReadableStream, limit: number): Promise<Outcome> {
  return new Promise((resolve) => readStream(stream, limit, (error, body) => resolve({ error, body })));
}

test('the whole stream, across chunks and strings', async () => {
  const { error, body } = await read(Readable.from([Buffer.from('{"a":'), '1}']), 100);
  assert.is(error, undefined);
  assert.is(body?.toString(), '{"a":1}');
});

test('over the limit: ERR_BODY_TOO_LARGE, and the rest of the stream is drained', async () => {
  const stream = Readable.from(['12345', '67890', 'abcde']);
  const { error, body } = await read(stream, 7);
  assert.equal([error?.code, error?.message, error?.details, body], ['ERR_BODY_TOO_LARGE', 'Request body exceeds the limit of 7 bytes', { limit: 7 }, undefined]);
  await finished(stream);
  assert.ok(stream.readableEnded, 'drained to its end');
});

test('a stream error: ERR_BODY_READ with the stream error as cause', async () => {
  const stream = new PassThrough();
  const pending = read(stream, 100);
  const failure = new Error('socket hang up');
  stream.destroy(failure);
  const { error } = await pending;
  assert.equal([error?.code, error?.message], ['ERR_BODY_READ', 'Failed to read the request body: socket hang up']);
  assert.is(error?.cause, failure);
});


test('a stream with BUFFERED_BODY hands its body over at once, then reads as empty', async () => {
  let handed = false;
  const stream = Object.assign(Readable.from([Buffer.from('streamed')]), {
    [BUFFERED_BODY]: () => (handed ? undefined : ((handed = true), Buffer.from('{"whole":true}'))),
  });
  let sync: Buffer | undefined;
  readStream(stream, 100, (_error, body) => void (sync = body));
  assert.is(sync?.toString(), '{"whole":true}', 'called back synchronously with the whole body');
  // Handed over once: a second reader falls back to the stream itself.
  assert.is((await read(stream, 100)).body?.toString(), 'streamed');
});

test('a BUFFERED_BODY over the limit is ERR_BODY_TOO_LARGE', async () => {
  const stream = Object.assign(Readable.from([]), { [BUFFERED_BODY]: () => Buffer.alloc(11) });
  const { error } = await read(stream, 10);
  assert.equal([error?.code, error?.details], ['ERR_BODY_TOO_LARGE', { limit: 10 }]);
});

test.run();
