import { ExtCompilersError } from '../errors/ext-compilers-error.ts';
import { plainError } from '../errors/plain-error.ts';
import { readStream } from './read-stream.ts';
import type { WebtaskContext, WebtaskRequest } from '../types.ts';

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
  readStream(req, options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE, (error, raw) => {
    if (error) return cb(answerable(error));
    finish(ctx, req, raw as Buffer, cb);
  });
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

// These errors go out in the envelope: a copy without the stream's error (`cause`) and without
// frames, which would only show the server's own paths.
function answerable(error: ExtCompilersError): ExtCompilersError {
  const copy = new ExtCompilersError(error.code, error.message, error.details ? { details: error.details } : undefined);
  copy.stack = `Error: ${copy.message}`;
  return copy;
}
