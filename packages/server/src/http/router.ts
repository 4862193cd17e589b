import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './answers.ts';
import { HttpError } from './http-error.ts';

/** A route handler: its params are the decoded path segments after the route's fixed prefix. */
export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void>;

/** Routes in the order they are tried: a prefix (see `match`) and its handlers by method (`*`: any). */
export type Routes = [prefix: string[], methods: Record<string, Handler>][];

/** Answers a request by the first route that matches its path: 404 when none does, 405 when the method is not one of the route's. */
export function createRouter(routes: Routes): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = pathSegments(url.pathname);
    if (segments.length === 0 && req.method === 'GET') return sendJson(res, 200, { name: 'ext-compilers', api: '/api' });
    for (const [prefix, methods] of routes) {
      const params = match(prefix, segments);
      if (!params) continue;
      const handler = methods[req.method ?? 'GET'] ?? methods['*'];
      if (!handler) throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}.`, { allow: Object.keys(methods).join(', ') });
      return handler(req, res, url, params);
    }
    throw new HttpError(404, `No route for ${req.method} ${url.pathname}.`);
  };
}

/**
 * A prefix of literal segments and `:` parameters; a trailing `*` takes the rest. The params of a
 * match: each `:` segment, then the rest joined with `/` (the empty string when there is none).
 */
function match(prefix: string[], segments: string[]): string[] | undefined {
  const rest = prefix[prefix.length - 1] === '*';
  const fixed = rest ? prefix.length - 1 : prefix.length;
  if (segments.length < fixed || (!rest && segments.length !== fixed)) return undefined;
  const params: string[] = [];
  for (let i = 0; i < fixed; i++) {
    if (prefix[i]!.startsWith(':')) params.push(segments[i]!);
    else if (prefix[i] !== segments[i]) return undefined;
  }
  if (rest) params.push(segments.slice(fixed).join('/'));
  return params;
}

function pathSegments(pathname: string): string[] {
  const segments: string[] = [];
  for (const segment of pathname.split('/')) {
    if (segment === '') continue;
    try {
      segments.push(segment.includes('%') ? decodeURIComponent(segment) : segment);
    } catch {
      throw new HttpError(400, 'The path is not valid percent-encoding.');
    }
  }
  return segments;
}
