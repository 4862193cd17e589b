import type { IncomingMessage, Server, ServerResponse } from 'node:http';

// The routes whose second segment after /api/ names a container (run, management, logs, cron).
const CONTAINER_ROUTE = /^\/api\/(?:run|webtask|cron|logs\/tenant)\/([^/?#]+)/;

/**
 * One line per request once it is answered (or its connection ends first): the time it came,
 * method, path, status (or `-` when no answer went out), milliseconds, and the container it names
 * (`-` for none). The query is never written: tokens travel there (`?key=`, `?token=`).
 */
export function accessLog(server: Server, write: (line: string) => void): void {
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const came = new Date();
    const began = performance.now();
    // As it came: the run routes hand the webtask the path past its name in `req.url`.
    const { method, url } = req;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      write(accessLine(method, url, res, came, performance.now() - began));
    };
    res.once('finish', end);
    res.once('close', end);
  });
}

export function accessLine(method: string | undefined, url: string | undefined, res: ServerResponse, came: Date, ms: number): string {
  const path = (url ?? '/').split('?')[0]!;
  let container = '-';
  const match = CONTAINER_ROUTE.exec(path);
  if (match) {
    try {
      container = decodeURIComponent(match[1]!);
    } catch {
      container = match[1]!;
    }
  }
  const status = res.headersSent ? String(res.statusCode) : '-';
  // Control characters in what the client sent never reach the log as such.
  const shown = `${method ?? '-'} ${path}`.replace(/[\u0000-\u001f\u007f]/g, '?');
  return `${came.toISOString()} ${shown} ${status} ${ms.toFixed(1)}ms ${container.replace(/[\u0000-\u001f\u007f\s]/g, '?')}`;
}
