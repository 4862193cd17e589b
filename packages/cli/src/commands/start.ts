import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { jailSupport, type Sandbox } from '@ext-compilers/runtime';
import { type OpenedServer, type OpenServerOptions, openServer } from '@ext-compilers/server';
import type { Command, Parsed } from '../internal/command.ts';
import { accessLog } from '../internal/access-log.ts';
import { lockDataDirectory } from '../internal/data-lock.ts';
import { CliError, EXIT } from '../internal/errors.ts';
import { note, out } from '../internal/io.ts';
import { listen, untilSignal } from '../internal/listen.ts';
import { startSandbox } from '../internal/sandbox.ts';
import { clusterOptionsOf, START_OPTIONS, serverOptionsOf } from '../internal/start-options.ts';

const DEFAULT_PORT = 8721;
const EXAMPLE_CONTAINER = 'demo';

export const start: Command = {
  name: 'start',
  summary: 'Start the multi-tenant webtask server over a data directory.',
  description:
    "On the first start the data directory gets its keys and an admin token (printed once, and kept in <data>/admin-token, mode 0600). One server per data directory: another start over it refuses, naming the running server's pid (the lock <data>/server.lock is held while it runs). Stop with Ctrl-C (or SIGTERM): it exits 0 once stopped. Port 0 picks a free port; the URL printed is the real one. Webtasks run in the jail: each container's guests in bubblewrap, apart from the other containers and from this server; \"ext-compilers doctor\" tells whether this machine can run it. With --database the server is one node of a cluster: the database holds the webtasks, storage, revocations, keys and admin token (each node writes it to its <data>/admin-token), and the data directory only this node's own things (its module store and lock).",
  options: {
    port: { type: 'integer', short: 'p', value: 'PORT', description: 'the port to listen on', default: String(DEFAULT_PORT) },
    host: { type: 'string', value: 'HOST', description: 'the address to listen on', default: '127.0.0.1' },
    data: { type: 'string', short: 'd', value: 'DIR', description: 'the data directory (webtasks, keys, admin token, modules)', default: '.ext-compilers' },
    'public-url': { type: 'string', value: 'URL', description: 'the base of webtask URLs (behind a proxy)' },
    'no-modules': { type: 'boolean', description: "no module store ('use npm' and /api/env/node/modules off)" },
    quiet: { type: 'boolean', short: 'q', description: 'no access log (by default one line per request on stdout: time, method, path without its query, status, ms, container)' },
    ...START_OPTIONS,
  },
  examples: ['ext-compilers start', 'ext-compilers start --port 0 --data /tmp/ext-data --max-webtasks 20 --module-policy policy.json', 'ext-compilers start --sandbox worker --trust-code   # one tenant, trusted code'],
  async run(parsed) {
    const limits = await serverOptionsOf(parsed);
    const cluster = await clusterOptionsOf(parsed);
    const { sandbox, warnings } = startSandbox(parsed, jailSupport);
    const data = resolve(parsed.string('data') ?? '.ext-compilers');
    // Held from before the first file is touched until the store is closed.
    const release = await lockDataDirectory(data);
    try {
      for (const line of warnings) note(line);
      await serveUntilStopped(parsed, { ...limits, ...cluster, data, sandbox, publicUrl: parsed.string('public-url'), modules: parsed.flag('no-modules') ? false : undefined });
    } finally {
      await release();
    }
    return EXIT.ok;
  },
};

/** Open the server over the data directory, listen, and serve until Ctrl-C (or SIGTERM). */
async function serveUntilStopped(parsed: Parsed, options: OpenServerOptions & { sandbox: Sandbox }): Promise<void> {
  let opened: OpenedServer;
  try {
    opened = await openServer(options);
  } catch (error) {
    throw new CliError(`cannot start the server over ${options.data}: ${(error as Error).message}`, EXIT.failure, { cause: error });
  }
  try {
    await listen(opened.server, parsed.integer('port') ?? DEFAULT_PORT, parsed.string('host') ?? '127.0.0.1');
  } catch (error) {
    await opened.close();
    throw error;
  }
  // Listening for the signal before saying "Press Ctrl-C": a Ctrl-C right after the line must stop us cleanly.
  const stopped = untilSignal();
  greet(opened, urlOf(opened.server.address() as AddressInfo), options.sandbox, options.database);
  if (!parsed.flag('quiet')) accessLog(opened.server, out);
  await stopped;
  note('Stopping…');
  await opened.close();
}

function urlOf(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function greet(opened: OpenedServer, url: string, sandbox: Sandbox, database: string | undefined): void {
  // Under `npm start` the command is not on PATH, but npx finds the workspace's bin.
  const program = process.env.npm_lifecycle_event ? 'npx ext-compilers' : 'ext-compilers';
  out(`ext-compilers server listening on ${url} (sandbox: ${sandbox})`);
  if (database !== undefined) out(`A node of the cluster over ${withoutPassword(database)}`);
  if (!opened.created) {
    out(`Admin token: in ${opened.adminTokenFile}`);
    out(`Set up the CLI: ${program} init --url ${url} --token "$(cat ${opened.adminTokenFile})" --container ${EXAMPLE_CONTAINER}`);
    out('Press Ctrl-C to stop.');
    return;
  }
  const token = opened.adminToken;
  const hello = `'{"code":"module.exports = (cb) => cb(null, { hello: \\"world\\" });"}'`;
  const lines = [
    '',
    database === undefined ? 'First start: made the data directory, its keys and an admin token.' : "The cluster's first start: made its keys and an admin token, kept in the database (sealed with the master key).",
    `Admin token (full rights; kept in ${opened.adminTokenFile}, mode 0600; printed only this once):`,
    '',
    `  ${token}`,
    '',
    'Set up the CLI, then create and run a webtask:',
    '',
    `  ${program} init --url ${url} --token ${token} --container ${EXAMPLE_CONTAINER}`,
    `  curl -X PUT ${url}/api/webtask/${EXAMPLE_CONTAINER}/hello -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d ${hello}`,
    `  curl -X POST ${url}/api/run/${EXAMPLE_CONTAINER}/hello`,
    '',
    'Press Ctrl-C to stop.',
  ];
  for (const line of lines) out(line);
}

// What the greeting may print of a database URL: never its password.
function withoutPassword(database: string): string {
  if (!URL.canParse(database)) return 'the database';
  const url = new URL(database);
  url.password = '';
  return url.href;
}
