import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from '../internal/command.ts';
import { CliError, EXIT, usageError } from '../internal/errors.ts';
import { out, table } from '../internal/io.ts';
import { client } from '../internal/webtasks.ts';

interface ModuleState {
  name: string;
  version: string;
  state: 'queued' | 'available' | 'failed';
  /** The exact version a range or a tag resolved to. */
  resolved?: string;
  message?: string;
}

const POLL = 500;

export const modulesLs: Command = {
  name: 'modules ls',
  summary: "List the module versions installed on the server ('use npm' code requires them as name@version).",
  options: {
    all: { type: 'boolean', description: "also list Node's built-in modules (version \"native\")" },
    json: { type: 'boolean', description: 'print the listing as JSON' },
  },
  client: true,
  examples: ['ext-compilers modules ls', 'ext-compilers modules ls --all --json'],
  async run(parsed) {
    const api = await client(parsed);
    const listing = await api.request<{ node_version: string; modules: { name: string; version: string }[] }>('GET', '/api/env/node/modules');
    // The server lists Node's built-ins too (as the platform does), with the version "native".
    const modules = parsed.flag('all') ? listing.modules : listing.modules.filter((module) => module.version !== 'native');
    if (parsed.flag('json')) out(JSON.stringify({ ...listing, modules }, null, 2));
    else {
      const builtins = listing.modules.length - modules.length;
      out(`Node ${listing.node_version}; ${modules.length} module version${modules.length === 1 ? '' : 's'}${builtins ? ` installed (and ${builtins} built-ins: --all lists them)` : ''}.`);
      for (const line of table(modules.map((module) => [module.name, module.version]))) out(line);
    }
    return EXIT.ok;
  },
};

/** `name@version`, `@scope/name@version`: the last `@` past the first character splits. */
function parseSpec(spec: string): { name: string; version: string } {
  const at = spec.lastIndexOf('@');
  if (at <= 0) throw usageError(`"${spec}" is not NAME@VERSION: say which version, like ms@2.1.3.`);
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}

export const modulesAdd: Command = {
  name: 'modules add',
  summary: 'Install module versions on the server, and follow each one until it is available or failed.',
  description: "Installs are the admin's: a tenant's token installs only what the server's module policy allows (\"ext-compilers start --module-policy\"); anything else is refused (403, exit 8) and nothing is installed.",
  args: [{ name: 'NAME@VERSION', variadic: true, description: 'the modules, like ms@2.1.3 @scope/pkg@1.0.0; a range or a dist-tag (ms@^2, ms@latest) installs the version it resolves to' }],
  options: { timeout: { type: 'integer', value: 'SECONDS', description: 'give up after this long', default: '300' } },
  client: true,
  examples: ['ext-compilers modules add ms@2.1.3 lodash@4.17.21', "ext-compilers modules add 'ms@^2'   # prints ms@^2: available (2.1.3)"],
  async run(parsed) {
    const modules = parsed.rest.map(parseSpec);
    const deadline = Date.now() + (parsed.integer('timeout') ?? 300) * 1000;
    const api = await client(parsed);
    const seen = new Map<string, string>();
    for (;;) {
      const states = await api.request<ModuleState[]>('POST', '/api/env/node/modules', { json: { modules } });
      report(states, seen);
      const queued = states.filter((state) => state.state === 'queued');
      if (queued.length === 0) {
        const failed = states.filter((state) => state.state === 'failed').length;
        return failed ? fail(failed) : EXIT.ok;
      }
      if (Date.now() > deadline) throw new CliError(`still installing ${queued.map((m) => `${m.name}@${m.version}`).join(', ')} after ${parsed.integer('timeout') ?? 300} s: run "modules add" again later, or raise --timeout.`, EXIT.timeout);
      await sleep(POLL);
    }
  },
};

/** A line per module each time its state changes. */
function report(states: ModuleState[], seen: Map<string, string>): void {
  for (const { name, version, state, resolved, message } of states) {
    const key = `${name}@${version}`;
    if (seen.get(key) === state) continue;
    seen.set(key, state);
    const note = resolved ?? message?.split('\n')[0];
    out(`${key}: ${state}${note ? ` (${note})` : ''}`);
  }
}

function fail(count: number): never {
  throw new CliError(`${count} module${count === 1 ? '' : 's'} failed to install: check the names and versions ("npm view NAME versions").`);
}
