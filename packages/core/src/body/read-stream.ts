import { ExtCompilersError } from '../errors/ext-compilers-error.ts';

/**
 * The key of an optional method of a request stream that holds its whole body already (a runtime's
 * socket-less request): `req[BUFFERED_BODY]()` hands the body over once — the stream then reads
 * as empty — or returns `undefined` when the stream was read before. `readStream` takes the body
 * that way, without the stream's events.
 */
export const BUFFERED_BODY: unique symbol = Symbol.for('ext-compilers.buffered-body');

/**
 * Read a request stream to its end, up to `limit` bytes. Over the limit, the rest of the stream
 * is discarded (so a keep-alive connection stays usable) and the error is `ERR_BODY_TOO_LARGE`
 * (`details: { limit }`); a stream error is `ERR_BODY_READ` with the stream's error as `cause`.
 * Calls back exactly once — at once (synchronously) for a stream with a `BUFFERED_BODY`.
 */
export function readStream(
  req: NodeJS.ReadableStream,
  limit: number,
  cb: (error: ExtCompilersError | undefined, body?: Buffer) => void,
): void {
  const buffered = (req as { [BUFFERED_BODY]?: () => Buffer | undefined })[BUFFERED_BODY]?.();
  if (buffered !== undefined) {
    if (buffered.length > limit) return cb(tooLarge(limit));
    return cb(undefined, buffered);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer | string): void => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length <= limit) return void chunks.push(buffer);
    cleanup();
    req.resume();
    cb(tooLarge(limit));
  };
  const onEnd = (): void => {
    cleanup();
    cb(undefined, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
  };
  const onError = (error: Error): void => {
    cleanup();
    cb(new ExtCompilersError('ERR_BODY_READ', `Failed to read the request body: ${error.message}`, { cause: error }));
  };
  const cleanup = (): void => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.resume();
}

function tooLarge(limit: number): ExtCompilersError {
  return new ExtCompilersError('ERR_BODY_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`, { details: { limit } });
}
