import type { Logger } from '@ext-compilers/core';
import type { ModuleStore, RequireSite } from '@ext-compilers/modules';

// The modules package (acorn, semver, magic-string: ~50 ms to load) is loaded by the first script
// that uses npm, never at start: a guest that runs no such script starts without it.
const modules = (): Promise<typeof import('@ext-compilers/modules')> => import('@ext-compilers/modules');
import { type LoadableModule, resolveFrom } from './module.ts';

/** webtask-runtime's `installModules(specs, cb)`: install what `'use npm'` code requires and call back. */
export type InstallModules = (specs: string[], cb: (error?: Error | null) => void) => void;

// A cheap look at the top of the script before any parse: analyze() has the exact grammar.
const MAY_USE_NPM = /^\uFEFF?\s*(['"])use\s+(?:npm|latest)\1/;

/** Whether the script may start with a `'use npm'` directive; when not, there is nothing to prepare and compiling stays synchronous. */
export function mayUseNpm(code: string): boolean {
  return MAY_USE_NPM.test(code);
}

/**
 * `'use npm'` through a module store: versioned requires are installed if needed and rewritten to
 * their directory in the store. When the scan in `prepare()` had to parse and the parse failed,
 * the code is compiled as it is, so a syntax error reads the same with and without `'use npm'`.
 */
export async function prepareWithStore(code: string, store: ModuleStore, filename: string): Promise<string> {
  try {
    const { prepare } = await modules();
    return (await prepare(code, { store, install: true, filename })).code;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_COMPILE_SYNTAX') return code;
    throw error;
  }
}

/**
 * `'use npm'` without a store, as webtask-runtime does it: every static package require the
 * module cannot load is missing, they all go to `installModules` in one call, install errors are
 * only logged, and a versioned require is rewritten to its bare name so that what was installed
 * is found. Unlike the reference, nothing is `require()`d in the host to decide what is missing:
 * a versioned spec is missing by definition (nothing here stores versions side by side), an
 * unversioned one when resolution from the module's own paths fails. Scoped names keep their
 * scope (the reference cut `@scope/x@1` down to an empty string).
 */
export async function prepareWithInstaller(
  code: string,
  mod: LoadableModule,
  installModules: InstallModules | undefined,
  logger: Logger,
): Promise<string> {
  const sites = await npmRequires(code);
  if (!sites) return code;
  const missing = sites.filter((site) => site.module?.version !== undefined || !resolveFrom(mod, site.spec as string));
  if (missing.length === 0) return code;
  const specs = [...new Set(missing.map((site) => site.spec as string))];
  logger.info(`Your code requires the following modules that are not currently available: [${specs.join(', ')}].`);
  logger.info(`Installing: [${specs.join(', ')}] please wait...`);
  const error = await install(installModules, specs);
  if (error) {
    logger.warn(`An error was encountered while trying to install missing modules: ${error.message}`);
    logger.warn('Attempting to run the webtask anyway...');
  }
  return withoutVersions(code, missing);
}

/** The static package requires of a `'use npm'` script; `undefined` without the directive or when the code does not parse (the compile reports it). */
async function npmRequires(code: string): Promise<RequireSite[] | undefined> {
  if (!mayUseNpm(code) || !/\brequire\b/.test(code)) return undefined;
  const { analyze } = await modules();
  let analysis: ReturnType<typeof analyze>;
  try {
    analysis = analyze(code);
  } catch {
    return undefined;
  }
  if (!analysis.directives.npm) return undefined;
  return analysis.requires.filter((site) => site.kind === 'package' && site.module !== undefined);
}

function install(installModules: InstallModules | undefined, specs: string[]): Promise<Error | undefined> {
  if (!installModules) {
    return Promise.resolve(
      new Error(
        `The code being compiled uses the "use npm" directive and the required modules '${specs.join(', ')}' are not available but no 'installModules' function was provided.`,
      ),
    );
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (error?: Error | null): void => {
      if (settled) return;
      settled = true;
      resolve(error ?? undefined);
    };
    try {
      installModules(specs, done);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Each versioned literal replaced by `name[/subpath]`; offsets are applied from the end so earlier ones stay valid. */
function withoutVersions(code: string, sites: readonly RequireSite[]): string {
  let out = code;
  for (const site of [...sites].sort((a, b) => b.start - a.start)) {
    const module = site.module;
    if (module?.version === undefined) continue;
    const bare = module.subpath === undefined ? module.name : `${module.name}/${module.subpath}`;
    out = out.slice(0, site.start) + JSON.stringify(bare) + out.slice(site.end);
  }
  return out;
}
