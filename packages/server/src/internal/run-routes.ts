import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobRequest, JobResult, JobWebtask } from '@ext-compilers/runtime';
import type { Handler } from '../create-webtask-server.ts';
import { fetchCode } from './fetch-code.ts';
import { HttpError, readBytes } from './http.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { RouteContext } from './route-context.ts';

/**
 * `/api/run/{container}/{name}[/*]`: a stored webtask, any method, through the executor — its own
 * rules apply (a point compiler's Bearer check), no token needed. `/api/run/{container}`: ad-hoc
 * code, with a token admitting the container; its code is the token's `url` when it has one,
 * else the request body, and its `pctx`/`ectx` are the params and secrets.
 */
export function createRunRoutes(ctx: RouteContext & { limiter: RateLimiter }): [string[], Record<string, Handler>][] {
  const { store, webtasks, executor, auth, limiter, maxBodySize } = ctx;

  const named: Handler = async (req, res, url, [container, name, rest]) => {
    limit(limiter, container!);
    const record = await store.get(container!, name!);
    if (!record) throw new HttpError(404, `No such webtask: ${name}`);
    const { webtask, storage } = webtasks.ready(record) ?? {
      webtask: await webtasks.job(record, () => store.get(container!, name!, { decrypt: true })),
      storage: await webtasks.storage(container!, name!),
    };
    // The executor answers on the request itself: in-process, the body streams into the pipeline.
    // The webtask sees the path after its name. (Set here rather than passed as the job's `url`,
    // which measured 20 % slower over HTTP in-process; not understood, but repeatable.)
    req.url = `/${rest}${url.search}`;
    await executor.serve({ webtask, storage }, req, res);
  };

  const adhoc: Handler = async (req, res, url, [container]) => {
    limit(limiter, container!);
    const caller = await auth.caller(req, url, container);
    const verified = caller.verified;
    const body = await readBytes(req, maxBodySize);
    const code = verified?.url !== undefined ? await fetchCode(verified.url) : body.toString();
    if (code.trim() === '') throw new HttpError(400, 'No code to run: send it as the request body, or use a token with a url.');
    const webtask: JobWebtask = webtasks.adhoc(container!, code, {
      params: verified?.params ?? {},
      secrets: verified?.secrets ?? {},
      pb: verified?.pb,
      mb: verified?.mb,
    });
    // The body carried the code: the webtask sees a request without one.
    const request = jobRequest(req, `/${url.search}`, verified?.url !== undefined ? body : Buffer.alloc(0));
    send(res, await executor.run({ webtask, request }));
  };

  return [
    [['api', 'run', ':container', ':name', '*'], { '*': named }],
    [['api', 'run', ':container'], { '*': adhoc }],
  ];
}

function limit(limiter: RateLimiter, container: string): void {
  const wait = limiter.take(container);
  if (wait !== undefined) throw new HttpError(429, `The container ${container} is over its request limit.`, { 'retry-after': String(wait) });
}

function jobRequest(req: IncomingMessage, url: string, body: Buffer): JobRequest {
  return {
    method: req.method ?? 'GET',
    url,
    headers: { ...req.headers },
    body: body.length === 0 ? undefined : new Uint8Array(body.buffer, body.byteOffset, body.byteLength),
  };
}

function send(res: ServerResponse, result: JobResult): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}
