import { ExtCompilersError } from './ext-compilers-error.ts';
import { plainError } from './internal/plain-error.ts';
import type { WebtaskContext, WebtaskRequest } from './types.ts';

/** The default limit on a body a compiler reads itself: 1 MiB. */
export const DEFAULT_MAX_BODY_SIZE: number = 1024 * 1024;

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);
// auth0-ext-compilers reads bodies with wreck's `json: true`: JSON only for these media types.
const JSON_MEDIA_TYPE = /^application\/[a-z.+-]*json$/;

export interface ReadBodyOptions {
  /** Largest body accepted, in bytes (default `DEFAULT_MAX_BODY_SIZE`). */
  maxBodySize?: number | undefined;
}

/**
 * Make `ctx.body` hold the request body, then call `cb()` (or `cb(error)`). A GET, HEAD or OPTIONS
 * request, or a context whose body the runtime already parsed, is left as it is. When the runtime
 * read the stream (`ctx.body_raw` is set, or the stream has ended) but parsed nothing truthy, the
 * body is `null`; the stream is never waited on again. Otherwise the stream is read up to
 * `maxBodySize` bytes. Parsing follows
 * auth0-ext-compilers: an empty body is `null`, a JSON media type is `JSON.parse`d (a syntax error
 * is the error), anything else is the raw bytes as a Buffer.
 */
export function readBody(
  ctx: WebtaskContext,
  req: WebtaskRequest,
  options: ReadBodyOptions,
  cb: (error?: Error) => void,
): void {
  if (BODYLESS.has(req.method as string) || ctx.body) return cb();
  if (typeof ctx.body_raw === 'string' || req.readableEnded) {
    // The runtime read the body and could not make a value of it: there is no body. (The
    // reference reads the ended stream again, which yields nothing, hence null.)
    ctx.body = null;
    return cb();
  }
  const limit = options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE;
  const chunks: Buffer[] = [];
  let length = 0;
  const onData = (chunk: Buffer | string): void => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length > limit) {
      cleanup();
      req.resume(); // discard the rest so the connection is not left hanging
      cb(answerable(new ExtCompilersError('ERR_BODY_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`, { details: { limit } })));
    } else {
      chunks.push(buffer);
    }
  };
  const onEnd = (): void => {
    cleanup();
    finish(ctx, req, Buffer.concat(chunks, length), cb);
  };
  const onError = (error: Error): void => {
    cleanup();
    cb(answerable(new ExtCompilersError('ERR_BODY_READ', `Failed to read the request body: ${error.message}`)));
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

function finish(ctx: WebtaskContext, req: WebtaskRequest, raw: Buffer, cb: (error?: Error) => void): void {
  if (raw.length === 0) {
    ctx.body = null;
    return cb();
  }
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    ctx.body = raw;
    return cb();
  }
  try {
    ctx.body = JSON.parse(raw.toString());
  } catch (error) {
    return cb(plainError((error as Error).message, SyntaxError));
  }
  cb();
}

// These errors go out in the envelope: their frames would only show the server's own paths.
function answerable(error: ExtCompilersError): ExtCompilersError {
  error.stack = `Error: ${error.message}`;
  return error;
}
