import type { Readable, Writable } from 'node:stream';

// The channel between the host and a child guest: frames of a 4-byte big-endian length, then the
// message. Unlike Node's IPC, the reader sees a frame's length before its bytes: a guest
// announcing a message past the host's limit is refused before the host buffers any of it.
//
// A message is JSON, and a request's or an answer's body in bytes crosses as bytes: the body is
// taken out of the message (which says how long it was) and follows the JSON text, so it is
// neither escaped nor copied into a string. The frame: the length of the rest (4 bytes), the
// length of the JSON text (4 bytes), the text, the bodies in the order of the messages. (A V8
// serialisation, what Node's own 'advanced' IPC sends, costs three times as much per message.)

const HEADER = 4;

/** Where a body sits in the JSON text: `{ "$bytes": length }`. */
interface Bytes {
  $bytes: number;
}

type Carrier = { type?: unknown; body?: unknown; request?: { body?: unknown } };

/** The message's body in bytes, if it has one where messages carry bodies: a run's request, a result. */
function bodyOf(message: Carrier): Uint8Array | undefined {
  const body = message.type === 'run' ? message.request?.body : message.type === 'result' ? message.body : undefined;
  return body instanceof Uint8Array ? body : undefined;
}

/** A copy of `message` with its body in bytes replaced by its length; the bytes pushed on `bodies`. */
function detach(message: Carrier, bodies: Uint8Array[]): unknown {
  const body = bodyOf(message);
  if (!body) return message;
  bodies.push(body);
  const marker: Bytes = { $bytes: body.byteLength };
  return message.type === 'run' ? { ...message, request: { ...message.request, body: marker } } : { ...message, body: marker };
}

/** One frame holding `message` (one, or an array sent together). */
export function encodeFrame(message: unknown): Buffer {
  const bodies: Uint8Array[] = [];
  const plain = Array.isArray(message) ? message.map((one: Carrier) => detach(one, bodies)) : detach(message as Carrier, bodies);
  const json = JSON.stringify(plain);
  const textLength = Buffer.byteLength(json);
  let length = HEADER + textLength;
  for (const body of bodies) length += body.byteLength;
  const frame = Buffer.allocUnsafe(HEADER + length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(textLength, HEADER);
  frame.write(json, 2 * HEADER, 'utf8');
  let at = 2 * HEADER + textLength;
  for (const body of bodies) {
    frame.set(body, at);
    at += body.byteLength;
  }
  return frame;
}

/** The message of a frame's payload (its bytes after the length); throws on anything malformed. */
export function decodeFrame(payload: Buffer): unknown {
  if (payload.length < HEADER) throw new TypeError('a frame shorter than its header');
  const textLength = payload.readUInt32BE(0);
  if (HEADER + textLength > payload.length) throw new TypeError('a frame shorter than its text');
  const message = JSON.parse(payload.toString('utf8', HEADER, HEADER + textLength)) as unknown;
  let at = HEADER + textLength;
  const attach = (one: Carrier): void => {
    const holder = one?.type === 'run' ? one.request : one?.type === 'result' ? one : undefined;
    const marker = holder?.body as Bytes | null | undefined;
    if (typeof marker !== 'object' || marker === null) return;
    const length = marker.$bytes;
    if (!Number.isInteger(length) || length < 0 || at + length > payload.length) throw new TypeError('a body past the end of its frame');
    holder!.body = payload.subarray(at, (at += length));
  };
  if (Array.isArray(message)) message.forEach(attach);
  else attach(message as Carrier);
  if (at !== payload.length) throw new TypeError('bytes after the bodies of a frame');
  return message;
}

/**
 * A writer of frames on `stream`; writes after the stream ended are dropped. The frames written in
 * one turn of the event loop (several answers of jobs run one after another, a job's log lines and
 * its answer) leave in one system call: the stream is corked at the first and uncorked once the
 * turn's ticks and microtasks are done — no frame waits for a later turn.
 */
export function frameWriter(stream: Writable): (message: unknown) => void {
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  return (message) => {
    if (stream.destroyed || stream.writableEnded) return;
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    stream.write(encodeFrame(message));
  };
}

/**
 * Read frames from `stream`: each message to `onMessage`; a frame longer than `limit` bytes (the
 * reason starts with "over the limit"), or one that does not decode, to `onBad` (once),
 * after which nothing more is read.
 */
export function readFrames(stream: Readable, limit: number, onMessage: (message: unknown) => void, onBad: (reason: string) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  let bad = false;
  const fail = (reason: string): void => {
    bad = true;
    chunks = [];
    stream.destroy();
    onBad(reason);
  };
  stream.on('data', (chunk: Buffer) => {
    if (bad) return;
    chunks.push(chunk);
    buffered += chunk.length;
    while (!bad && buffered >= HEADER) {
      const head = chunks[0]!.length >= HEADER ? chunks[0]! : Buffer.concat(chunks);
      const length = head.readUInt32BE(0);
      if (length > limit) return fail(`over the limit: a message of ${length} bytes (at most ${limit})`);
      if (buffered < HEADER + length) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      let message: unknown;
      try {
        message = decodeFrame(all.subarray(HEADER, HEADER + length));
      } catch {
        return fail('a message that does not decode');
      }
      const rest = all.subarray(HEADER + length);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      onMessage(message);
    }
  });
  stream.on('error', () => undefined);
}
