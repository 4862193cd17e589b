import { analyze, type ModuleStore } from '@ext-compilers/modules';
import { HttpError } from '../http/http-error.ts';
import type { ModuleGate } from './module-gate.ts';

/**
 * `'use npm'` code gets the versions it requires installed before it is stored, so the first run
 * compiles without waiting for npm (and works where the sandbox may not run npm: `process`, the
 * jail). Exactly the versions the gate admitted are installed, read from the code by a full parse:
 * code that does not parse installs nothing (its compile reports the error, in the reference's words).
 */
export async function installModules(code: string, modules: ModuleStore, gate: ModuleGate, caller: { readonly admin: boolean }): Promise<void> {
  const wanted = missingVersions(code, modules);
  if (wanted.length === 0) return;
  await gate.admit(caller, wanted);
  const specs = wanted.map(({ name, version }) => `${name}@${version}`);
  const results = await modules.ensure(specs).finally(() => gate.installed());
  const failed = results.find((result) => result.state === 'failed');
  if (failed) throw new HttpError(400, `The webtask's modules cannot be installed: ${failed.error?.message ?? failed.spec}`);
}

/**
 * Refuse (403) code about to run whose `'use npm'` requires name versions the store lacks and
 * `caller` may not have installed: the sandboxes install what a webtask requires before or while
 * compiling it, so code the server did not see at create (ad-hoc code, code fetched from a `url`,
 * a version removed from the store since) is held to the same rule here.
 */
export async function admitModules(code: string, modules: ModuleStore, gate: ModuleGate, caller: { readonly admin: boolean }): Promise<void> {
  if (caller.admin || !MAY_USE_NPM.test(code)) return;
  await gate.admit(caller, missingVersions(code, modules));
}

// A cheap look at the top of the script before any parse (analyze() has the exact grammar).
const MAY_USE_NPM = /^\uFEFF?\s*(['"])use\s+(?:npm|latest)\1/;

/** The versioned package requires of `'use npm'` code that the store lacks, once each. */
function missingVersions(code: string, modules: ModuleStore): { name: string; version: string }[] {
  let requires;
  try {
    const analysis = analyze(code);
    if (!analysis.directives.npm) return [];
    requires = analysis.requires;
  } catch (error) {
    const { code: errorCode, message } = error as { code?: unknown; message: string };
    if (errorCode === 'ERR_COMPILE_SYNTAX') return [];
    throw new HttpError(400, `The webtask's modules cannot be installed: ${message}`);
  }
  const missing = new Map<string, { name: string; version: string }>();
  for (const site of requires) {
    const { name, version } = site.module ?? {};
    if (site.kind !== 'package' || name === undefined || version === undefined) continue;
    if (modules.resolve(`${name}@${version}`) === undefined) missing.set(`${name}@${version}`, { name, version });
  }
  return [...missing.values()];
}
