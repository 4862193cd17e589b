import { sendJson } from '../http/answers.ts';
import { HttpError } from '../http/http-error.ts';
import type { Routes } from '../http/router.ts';
import type { RouteContext } from './route-context.ts';

/** What `GET /api/status` says of the server, besides the caller's container. */
export interface ServerFacts {
  version: string;
  sandbox: string;
  started: number;
}

/**
 * `GET /api/status?container=C`: the server's version, Node, sandbox and uptime, and what the
 * container holds (webtasks, storage bytes, whether its logs are streamed) — to whoever may manage it.
 */
export function createStatusRoutes(ctx: RouteContext, facts: ServerFacts): Routes {
  return [
    [
      ['api', 'status'],
      {
        GET: async (req, res, url) => {
          const container = url.searchParams.get('container');
          if (!container) throw new HttpError(400, 'Name the container: /api/status?container=NAME.');
          await ctx.auth.manager(req, url, container);
          const usage = await ctx.store.usage(container);
          sendJson(res, 200, {
            version: facts.version,
            node: process.version,
            sandbox: facts.sandbox,
            uptime_s: Math.round((Date.now() - facts.started) / 1000),
            container: { name: container, webtasks: usage.webtasks, storage_bytes: usage.dataBytes, streamed: ctx.hub.listening(container) },
          });
        },
      },
    ],
  ];
}
