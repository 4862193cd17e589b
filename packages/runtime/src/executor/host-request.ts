import type { IncomingMessage, ServerResponse } from 'node:http';
import { readStream } from '@ext-compilers/core';
import { jsonResult } from './results.ts';
import { tooLargeAnswer } from '../answers/answers.ts';
import type { ExecutorJob, JobRequest, JobResult, ServeJob } from './types.ts';

/**
 * Read a request's body as bytes, up to `limit` (core's `readStream`), for a job: the request as
 * the job's webtask sees it (`id`, and `url` when given, else `req.url`). Over the limit the rest
 * is discarded (a keep-alive connection stays usable) and `undefined` is the answer: the caller
 * sends the 413. The headers object is Node's own: a pool's message copies it on the way.
 */
export function readJobRequest(req: IncomingMessage, limit: number, id: string | undefined, url: string | undefined, cb: (request: JobRequest | undefined) => void): void {
  readStream(req, limit, (error, body) => {
    if (error) return cb(undefined);
    cb({ id, method: req.method ?? 'GET', url: url ?? req.url ?? '/', headers: req.headers, body: body!.length === 0 ? undefined : ownBytes(body!) });
  });
}

/**
 * The bytes in an array of their own: a Buffer may view a larger pooled ArrayBuffer, and a
 * structured clone copies a view's whole ArrayBuffer.
 */
export function ownBytes(body: Buffer): Uint8Array {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
}

/** The pipeline's 413, for a body the host refused before any guest saw it. */
export function tooLarge(limit: number): JobResult {
  return jsonResult(tooLargeAnswer(limit));
}

export function writeResult(res: ServerResponse, result: JobResult): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}

/**
 * `Executor.serve` of an executor that runs jobs elsewhere: read the body, hand the job to
 * `submit` (which calls back with its result), write the result.
 */
export function serveByRunning(submit: (job: ExecutorJob, resolve: (result: JobResult) => void) => void, job: ServeJob, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const limit = job.webtask.settings.maxBodySize;
  return new Promise((resolve) => {
    readJobRequest(req, limit, job.id, job.url, (request) => {
      if (!request) {
        writeResult(res, tooLarge(limit));
        return resolve();
      }
      submit({ webtask: job.webtask, request, storage: job.storage }, (result) => {
        writeResult(res, result);
        resolve();
      });
    });
  });
}
