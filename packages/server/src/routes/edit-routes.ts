import type { Routes } from '../http/router.ts';

// Until the editor exists (issue #18), `wt edit` (which opens /edit/{container}#/{name}/{token})
// lands on a page that says so. The token stays in the fragment: it is never sent here.
const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>ext-compilers editor</title></head>
<body>
<h1>The webtask editor is not available on this server yet</h1>
<p>This ext-compilers server does not serve a browser editor yet. Edit the webtask's code locally and
update it with <code>ext-compilers update NAME FILE</code> (or <code>wt update</code>), and follow its
logs with <code>ext-compilers logs</code>.</p>
</body>
</html>
`;

/** `GET /edit[/…]`: a page saying the editor is not available yet (no script; a strict policy). */
export function createEditRoutes(): Routes {
  return [
    [
      ['edit', '*'],
      {
        GET: async (_req, res) => {
          res.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-length': Buffer.byteLength(PAGE),
            'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
            'x-content-type-options': 'nosniff',
            'cache-control': 'no-store',
          });
          res.end(PAGE);
        },
      },
    ],
  ];
}
