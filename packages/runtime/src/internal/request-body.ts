import type { PipelineRequest } from './pipeline-types.ts';

/** Why a body could not be read: answered as is by the pipeline. */
export interface BodyFailure {
  statusCode: number;
  body: Record<string, unknown>;
}

/**
 * Read the whole body as UTF-8 text, up to `limit` bytes. Over the limit, the rest of the stream
 * is discarded (so a keep-alive connection stays usable) and the failure is a 413.
 */
export function readRequestBody(req: PipelineRequest, limit: number, cb: (failure: BodyFailure | null, raw?: string) => void): void {
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer | string): void => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length <= limit) return void chunks.push(buffer);
    cleanup();
    req.resume();
    cb({
      statusCode: 413,
      body: { code: 413, error: 'Request body too large.', message: `Request body exceeds the limit of ${limit} bytes.` },
    });
  };
  const onEnd = (): void => {
    cleanup();
    cb(null, chunks.length === 1 ? chunks[0]!.toString() : Buffer.concat(chunks, length).toString());
  };
  const onError = (error: Error): void => {
    cleanup();
    cb({ statusCode: 400, body: { code: 400, error: 'Failed to read the request body.', message: error.message } });
  };
  const cleanup = (): void => {
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
}
