import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobRequest, JobResult, JobWebtask, WebtaskStorage } from '@ext-compilers/runtime';
import type { Handler, Routes } from '../http/router.ts';
import { fetchCode } from '../run/fetch-code.ts';
import { HttpError } from '../http/http-error.ts';
import { readBytes } from '../http/request-body.ts';
import type { RateLimiter } from '../run/rate-limit.ts';
import type { RouteContext } from './route-context.ts';

/**
 * `/api/run/{container}/{name}[/*]`: a stored webtask, any method, through the executor — its own
 * rules apply (a point compiler's Bearer check), no token needed. `/api/run/{container}`: ad-hoc
 * code, with a token admitting the container; its code is the token's `url` when it has one,
 * else the request body, and its `pctx`/`ectx` are the params and secrets.
 */
export function createRunRoutes(ctx: RunContext): RunRoutes {
  const named: Handler = (req, res, url, [container, name, rest]) => runNamed(ctx, req, res, container!, name!, rest!, url.search);
  return {
    routes: [
      [['api', 'run', ':container', ':name', '*'], { '*': named }],
      [['api', 'run', ':container'], { '*': adhoc(ctx) }],
    ],
    shortcut: (req, res) => {
      const path = simpleRunPath(req.url ?? '');
      return path && runNamed(ctx, req, res, path.container, path.name, path.rest, path.search);
    },
  };
}

type RunContext = RouteContext & { limiter: RateLimiter };

// A stored webtask for a request: what `/api/run/{container}/{name}[/*]` does once the path is
// parsed. A promise chain rather than awaits, so a webtask whose job and storage are made goes
// straight from the store's answer to the executor.
function runNamed(ctx: RunContext, req: IncomingMessage, res: ServerResponse, container: string, name: string, rest: string, search: string): Promise<void> {
  const { store, webtasks, executor } = ctx;
  limit(ctx.limiter, container);
  return store.get(container, name).then((record) => {
    if (!record) throw new HttpError(404, `No such webtask: ${name}`);
    // The webtask sees the path after its name. (Set on the request rather than passed as the
    // job's `url`, which measured 15-20 % slower over HTTP in-process; not understood, but repeatable.)
    const serve = (job: { webtask: JobWebtask; storage: WebtaskStorage }): Promise<void> => {
      req.url = `/${rest}${search}`;
      // The executor answers on the request itself: in-process, the body streams into the pipeline.
      return executor.serve(job, req, res);
    };
    const ready = webtasks.ready(record);
    if (ready) return serve(ready);
    return Promise.all([webtasks.job(record, () => store.get(container, name, { decrypt: true })), webtasks.storage(record)]).then(([webtask, storage]) =>
      serve({ webtask, storage }),
    );
  });
}

function adhoc(ctx: RunContext): Handler {
  return async (req, res, url, [container]) => {
    limit(ctx.limiter, container!);
    const caller = await ctx.auth.caller(req, url, container);
    const verified = caller.verified;
    const body = await readBytes(req, ctx.maxBodySize);
    const code = verified?.url !== undefined ? await fetchCode(verified.url, ctx.egress) : body.toString();
    if (code.trim() === '') throw new HttpError(400, 'No code to run: send it as the request body, or use a token with a url.');
    await ctx.admitCode?.(code, caller);
    const webtask: JobWebtask = ctx.webtasks.adhoc(container!, code, {
      params: verified?.params ?? {},
      secrets: verified?.secrets ?? {},
      pb: verified?.pb,
      mb: verified?.mb,
    });
    // The body carried the code: the webtask sees a request without one.
    const request = jobRequest(req, `/${url.search}`, verified?.url !== undefined ? body : Buffer.alloc(0));
    send(res, await ctx.executor.run({ webtask, request }));
  };
}

/** The run routes, and a shortcut for the hottest of them (see `simpleRunPath`). */
export interface RunRoutes {
  routes: Routes;
  /** Answer a named run whose path needs no normalising; `undefined` for every other request (the general router's). */
  shortcut(req: IncomingMessage, res: ServerResponse): Promise<void> | undefined;
}

// Characters that WHATWG URL parsing leaves as they are in a path and a query, and no `%`: a URL
// made only of them means the same parsed or split by hand.
const PLAIN_URL = /^[\w\-.~!$&()*+,;=:@/?]*$/;
// `/api/run/{container}/{name}`, then the rest's segments (each starting with `/`, none holding
// one: no backtracking), then the query.
const RUN_PATH = /^\/api\/run\/([^/?]+)\/([^/?]+)((?:\/[^/?]*)*)(\?.*)?$/;

/**
 * A named run's parts when its URL reads the same split by hand as through `new URL()` and the
 * router (no percent-escapes, no `.`/`..` segments, nothing URL parsing would re-encode), so the
 * hottest route skips the URL object and the route table; any other URL is left to them.
 */
export function simpleRunPath(url: string): { container: string; name: string; rest: string; search: string } | undefined {
  if (url.length > 2048 || !PLAIN_URL.test(url)) return undefined;
  const match = RUN_PATH.exec(url);
  if (!match) return undefined;
  const [, container, name, tail, query] = match as unknown as [string, string, string, string, string | undefined];
  const rest = tail.split('/').filter(Boolean);
  for (const segment of [container, name, ...rest]) if (segment === '.' || segment === '..') return undefined;
  return { container, name, rest: rest.join('/'), search: query === undefined || query === '?' ? '' : query };
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
