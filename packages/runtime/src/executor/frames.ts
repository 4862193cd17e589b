import type { Readable, Writable } from 'node:stream';
import { deserialize, serialize } from 'node:v8';

// The channel between the host and a child guest: frames of a 4-byte big-endian length and a V8
// serialisation (what Node's own 'advanced' IPC sends, bodies crossing as bytes). Unlike Node's
// IPC, the reader sees a frame's length before its bytes: a guest announcing a message past the
// host's limit is refused before the host buffers any of it.

const HEADER = 4;

/** A writer of frames on `stream`, one write each (length and payload together); writes after the stream ended are dropped. */
export function frameWriter(stream: Writable): (message: unknown) => void {
  return (message) => {
    if (stream.destroyed || stream.writableEnded) return;
    const payload = serialize(message);
    const frame = Buffer.allocUnsafe(HEADER + payload.length);
    frame.writeUInt32BE(payload.length);
    payload.copy(frame, HEADER);
    stream.write(frame);
  };
}

/**
 * Read frames from `stream`: each message to `onMessage`; a frame longer than `limit` bytes (the
 * reason starts with "over the limit"), or one that does not deserialise, to `onBad` (once),
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
        message = deserialize(all.subarray(HEADER, HEADER + length));
      } catch {
        return fail('a message that does not deserialise');
      }
      const rest = all.subarray(HEADER + length);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
      onMessage(message);
    }
  });
  stream.on('error', () => undefined);
}
