import { watch } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { type CreateServerOptions, createServer, createStorage, syntaxErrorOf } from '@ext-compilers/runtime';
import type { Command } from '../internal/command.ts';
import { EXIT } from '../internal/errors.ts';
import { pairs, readUserFile, secretsOf } from '../internal/inputs.ts';
import { note, out } from '../internal/io.ts';
import { listen, untilSignal } from '../internal/listen.ts';
import { cliHome } from '../internal/profile.ts';
import { sandboxOf } from '../internal/sandbox.ts';

const DEBOUNCE = 100;

/** One compiled version of the file: its runtime server (never listening) and the requests it is answering. */
interface Version {
  server: Server;
  pending: number;
  retired: boolean;
}

export const serve: Command = {
  name: 'serve',
  summary: 'Serve one webtask from a file on a local port, reloading when the file changes.',
  description: "The file runs through the same pipeline as the server: its wt-compiler metadata picks the compiler, and 'use npm' code gets its versioned requires (require('ms@2.1.3')) installed with npm into a module store (--modules, default ~/.ext-compilers/modules) and loaded from it. Storage is kept in memory across reloads (--storage-file persists it).",
  args: [{ name: 'FILE', description: 'the webtask code' }],
  options: {
    port: { type: 'integer', short: 'p', value: 'PORT', description: 'the port to listen on (0: any free port)', default: '8080' },
    host: { type: 'string', value: 'HOST', description: 'the address to listen on', default: '127.0.0.1' },
    secret: { type: 'list', value: 'K=V', description: 'a secret (ctx.secrets.K)' },
    'secrets-file': { type: 'string', value: 'FILE', description: 'secrets from a dotenv file; --secret wins' },
    meta: { type: 'list', value: 'K=V', description: 'a metadata entry (wt-compiler=ext-compilers/<point>, …)' },
    param: { type: 'list', value: 'K=V', description: 'a param (ctx.params.K)' },
    'parse-body': { type: 'boolean', description: 'always parse the body (pb=1; default: by the function arity)' },
    'no-merge': { type: 'boolean', description: 'do not merge the parsed body into ctx.data' },
    'storage-file': { type: 'string', value: 'FILE', description: 'persist ctx.storage to this JSON file' },
    sandbox: { type: 'string', value: 'KIND', description: 'where the code runs: in-process, worker, process or jail', default: 'in-process' },
    modules: { type: 'string', value: 'DIR', description: "the module store for 'use npm' (default: ~/.ext-compilers/modules, or $EXT_COMPILERS_HOME/modules)" },
  },
  examples: ['ext-compilers serve hello.js', 'ext-compilers serve hook.js --meta wt-compiler=ext-compilers/client-credentials-exchange --secret auth0-extension-secret=s3cret'],
  async run(parsed) {
    const file = resolve(parsed.arg('FILE')!);
    let code = await readUserFile(file);
    const storageFile = parsed.string('storage-file');
    const options: CreateServerOptions = {
      secrets: await secretsOf(parsed.list('secret'), parsed.string('secrets-file')),
      meta: pairs(parsed.list('meta'), 'meta'),
      params: pairs(parsed.list('param'), 'param'),
      parseBody: parsed.flag('parse-body') ? 1 : 2,
      mergeBody: !parsed.flag('no-merge'),
      sandbox: sandboxOf(parsed, 'in-process'),
      // One storage for every version of the file: a reload keeps what the webtask stored.
      storage: createStorage(storageFile === undefined ? {} : { file: resolve(storageFile) }),
      shortcutFavicon: true,
      dirname: dirname(file),
      filename: basename(file),
      modulesRoot: resolve(parsed.string('modules') ?? join(cliHome(), 'modules')),
    };
    let current = version(code, options);
    const front = createHttpServer((req, res) => {
      const serving = current;
      serving.pending++;
      res.once('close', () => {
        serving.pending--;
        if (serving.retired && serving.pending === 0) serving.server.emit('close');
      });
      serving.server.emit('request', req, res);
    });
    await listen(front, parsed.integer('port') ?? 8080, parsed.string('host') ?? '127.0.0.1');
    const stopped = untilSignal();
    const { port, address } = front.address() as AddressInfo;
    out(`Serving ${parsed.arg('FILE')} on http://${address.includes(':') ? `[${address}]` : address}:${port} (reloads when the file changes; Ctrl-C to stop)`);
    const watcher = watchFile(file, async () => {
      const next = await readUserFile(file).catch(() => undefined);
      if (next === undefined || next === code) return;
      code = next;
      const previous = current;
      current = version(code, options);
      retire(previous);
      out(`Reloaded ${parsed.arg('FILE')}.`);
    });
    await stopped;
    note('Stopping…');
    watcher.close();
    retire(current);
    front.closeAllConnections();
    await new Promise<void>((done) => front.close(() => done()));
    return EXIT.ok;
  },
};

/** A server for this version of the code; code that cannot load is said so on stderr (every request answers it too). */
function version(code: string, options: CreateServerOptions): Version {
  const error = syntaxErrorOf(code, options.meta);
  if (error !== undefined) note(`ext-compilers: ${error}`);
  return { server: createServer(code, options), pending: 0, retired: false };
}

/** Close a version's executor once the requests it is answering are done. */
function retire(version: Version): void {
  version.retired = true;
  if (version.pending === 0) version.server.emit('close');
}

/**
 * Editors save by writing in place or by renaming a new file over the old one: watching the
 * directory sees both, and the debounce turns one save's several events into one reload.
 */
function watchFile(file: string, onChange: () => Promise<void>): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dirname(file), (_event, name) => {
    if (name !== null && name !== basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void onChange().catch((error: Error) => note(`ext-compilers: reload failed: ${error.message}`)), DEBOUNCE);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
