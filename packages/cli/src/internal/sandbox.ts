import type { JailSupport, Sandbox } from '@ext-compilers/runtime';
import type { Parsed } from './command.ts';
import { CliError, EXIT, usageError } from './errors.ts';

const SANDBOXES: readonly Sandbox[] = ['jail', 'process', 'worker', 'in-process'];

/** What each trusted sandbox shares with the server, as `start` says when it refuses one. */
const UNISOLATED: Partial<Record<Sandbox, string>> = {
  worker: "in threads of the server's process",
  'in-process': "in the server's own process",
};

/** `--sandbox`, one of the four (else a usage error), or `fallback` when not given. */
export function sandboxOf(parsed: Parsed, fallback: Sandbox): Sandbox {
  const sandbox = parsed.string('sandbox') ?? fallback;
  if (!SANDBOXES.includes(sandbox as Sandbox)) throw usageError(`--sandbox must be one of ${SANDBOXES.join(', ')}, not "${sandbox}".`);
  return sandbox as Sandbox;
}

/** The sandbox `start` runs, and the lines it says about it on stderr first. */
export interface SandboxChoice {
  sandbox: Sandbox;
  warnings: string[];
}

/**
 * `start`'s sandbox. By default the jail, or — where this machine cannot run it — `process`, with
 * a line saying what is missing and how to get it, and a warning that tenants are not isolated
 * from each other. The trusted sandboxes need `--trust-code`; the jail asked for (`--sandbox jail`,
 * `--require-jail`) on a machine without it is refused with the reason. `support` is asked only
 * when the jail is in question (the probe starts bubblewrap once).
 */
export function startSandbox(parsed: Parsed, support: () => JailSupport): SandboxChoice {
  const given = parsed.string('sandbox') === undefined ? undefined : sandboxOf(parsed, 'jail');
  const requireJail = parsed.flag('require-jail');
  if (given !== undefined && UNISOLATED[given] !== undefined && !parsed.flag('trust-code')) {
    throw usageError(`--sandbox ${given} runs every tenant's code ${UNISOLATED[given]}, unisolated from the server and from each other: add --trust-code if all the code this server runs is trusted (one tenant), or use the jail.`);
  }
  if (requireJail && given !== undefined && given !== 'jail') throw usageError(`--require-jail and --sandbox ${given} contradict each other: drop one.`);
  if (given !== undefined && given !== 'jail') return { sandbox: given, warnings: [] };
  const { ok, problem } = support();
  if (ok) return { sandbox: 'jail', warnings: [] };
  if (given === 'jail' || requireJail) throw new CliError(`the jail sandbox cannot run on this machine: ${problem}.`, EXIT.failure);
  return {
    sandbox: 'process',
    warnings: [
      `ext-compilers: the jail sandbox cannot run on this machine: ${problem}.`,
      "ext-compilers: warning: running the process sandbox instead: tenants are NOT isolated from each other nor from this server's files (their code runs as this user, reads what it can read, and reaches any address); --require-jail refuses to start without the jail.",
    ],
  };
}
