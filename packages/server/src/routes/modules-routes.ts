import { type ModuleStore, parseSpec } from '@ext-compilers/modules';
import type { Handler, Routes } from '../http/router.ts';
import type { Authenticator } from '../auth/authenticator.ts';
import { HttpError } from '../http/http-error.ts';
import { readJson } from '../http/request-body.ts';
import { sendJson } from '../http/answers.ts';
import type { ModuleGate } from '../modules/module-gate.ts';

type State = 'queued' | 'available' | 'failed';

interface Wanted {
  name: string;
  version: string;
}

/** An install this server started, until the store resolves what it asked for. */
interface Install {
  state: State;
  message?: string;
}

/** One module as the route reports it; `resolved` is the exact version a range or a tag stands for. */
interface Reported extends Wanted, Install {
  resolved?: string;
}

/**
 * `GET /api/env/node/modules/{name}`: the versions of one module, for anyone (as on the platform).
 * `GET /api/env/node/modules`: the module listing, for any valid token. `POST` with `{ modules:
 * [{ name, version }] }` (an exact version, a range or a dist-tag): each is ensured in the
 * background and reported as `queued`, `available` (with the exact version a range or tag
 * resolved to) or `failed` (with a `message`); ask again to follow an install. Installs are the
 * admin's, or a tenant's within the module policy (else 403, nothing installed).
 */
export function createModuleRoutes(ctx: { auth: Authenticator; modules: ModuleStore | undefined; gate: ModuleGate }): Routes {
  const { auth, modules, gate } = ctx;
  const installs = new Map<string, Install>();
  const store = (): ModuleStore => {
    if (!modules) throw new HttpError(501, 'This server has no module store.');
    return modules;
  };

  const list: Handler = async (req, res, url) => {
    await auth.caller(req, url);
    sendJson(res, 200, await store().list());
  };

  const ensure: Handler = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const wanted = wantedOf(await readJson(req, 64 * 1024));
    await gate.admit(caller, wanted.filter(({ name, version }) => store().resolve(`${name}@${version}`) === undefined));
    sendJson(res, 200, wanted.map((entry) => follow(store(), installs, gate, entry)));
  };

  // What the platform answered without a token (sandboxjs's listNodeModuleVersions sends none): the
  // versions of one module this server has, and those it is installing (exact versions only).
  const versions: Handler = async (_req, res, _url, [name]) => {
    const installed = store().versions(name!).map((version): Reported => ({ name: name!, version, state: 'available' }));
    const underWay = [...installs].flatMap(([spec, install]): Reported[] => {
      const at = spec.lastIndexOf('@');
      const version = spec.slice(at + 1);
      if (spec.slice(0, at) !== name || installed.some((entry) => entry.version === version)) return [];
      return [{ name: name!, version, state: install.state, ...(install.message ? { message: install.message } : {}) }];
    });
    sendJson(res, 200, [...installed, ...underWay]);
  };

  // The listing first: a trailing `*` also matches nothing after it.
  return [
    [['api', 'env', 'node', 'modules'], { GET: list, POST: ensure }],
    [['api', 'env', 'node', 'modules', '*'], { GET: versions }],
  ];
}

function wantedOf(body: Record<string, unknown>): Wanted[] {
  const wanted = body.modules;
  if (!Array.isArray(wanted) || wanted.length === 0 || wanted.length > 100) throw new HttpError(400, 'The body is { modules: [{ name, version }, …] } (1 to 100).');
  return wanted.map((entry: unknown, i) => {
    const { name, version } = (entry ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name !== 'string' || typeof version !== 'string' || !isModule(name, version)) {
      throw new HttpError(400, `modules[${i}] is not { name, version }: a package name (ms, @scope/pkg) and an exact version, a range or a dist-tag (2.1.3, ^2, latest).`);
    }
    return { name, version };
  });
}

/**
 * Whether `name@version` is exactly a package and a version, as the store parses it: a name with
 * a path or a version (`ms/sub`, `ms@1`), or a version with a path (`1.0.0/x`), would install
 * something other than what was asked, and would never be reported available.
 */
function isModule(name: string, version: string): boolean {
  try {
    const spec = parseSpec(`${name}@${version}`);
    return spec.name === name && spec.version === version && spec.subpath === undefined;
  } catch {
    return false;
  }
}

/** One entry's state: what the store resolves it to, else its install, started when none is under way. */
function follow(store: ModuleStore, installs: Map<string, Install>, gate: ModuleGate, { name, version }: Wanted): Reported {
  const spec = `${name}@${version}`;
  const present = store.resolve(spec);
  if (present !== undefined) {
    installs.delete(spec);
    return { name, version, state: 'available', ...(present.version === version ? {} : { resolved: present.version }) };
  }
  let install = installs.get(spec);
  // A failure is reported once, then forgotten: asking again tries again.
  if (install?.state === 'failed') installs.delete(spec);
  else if (install === undefined || install.state === 'available') installs.set(spec, (install = startInstall(store, gate, spec)));
  const { state, message } = install;
  return { name, version, state, ...(message ? { message } : {}) };
}

function startInstall(store: ModuleStore, gate: ModuleGate, spec: string): Install {
  const install: Install = { state: 'queued' };
  store
    .ensure([spec])
    .then(([result]) => {
      install.state = result?.state ?? 'failed';
      if (result?.error) install.message = result.error.message;
    }, (error: Error) => Object.assign(install, { state: 'failed', message: error.message }))
    .finally(() => gate.installed());
  return install;
}
