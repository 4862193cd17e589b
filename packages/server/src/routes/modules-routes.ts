import type { ModuleStore } from '@ext-compilers/modules';
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

/**
 * `GET /api/env/node/modules`: the module listing, for any valid token. `POST` with `{ modules:
 * [{ name, version }] }`: each version is ensured in the background and reported as `queued`,
 * `available` or `failed` (with a `message`); ask again to follow an install. Installs are the
 * admin's, or a tenant's within the module policy (else 403, nothing installed).
 */
export function createModuleRoutes(ctx: { auth: Authenticator; modules: ModuleStore | undefined; gate: ModuleGate }): Routes {
  const { auth, modules, gate } = ctx;
  const installs = new Map<string, { state: State; message?: string }>();
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
    await gate.admit(caller, wanted.filter(({ name, version }) => store().resolve(`${name}@${version}`)?.version !== version));
    sendJson(res, 200, wanted.map((entry) => follow(store(), installs, gate, entry)));
  };

  return [[['api', 'env', 'node', 'modules'], { GET: list, POST: ensure }]];
}

function wantedOf(body: Record<string, unknown>): Wanted[] {
  const wanted = body.modules;
  if (!Array.isArray(wanted) || wanted.length === 0 || wanted.length > 100) throw new HttpError(400, 'The body is { modules: [{ name, version }, …] } (1 to 100).');
  return wanted.map((entry: unknown) => {
    const { name, version } = (entry ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name !== 'string' || typeof version !== 'string' || name === '' || version === '') throw new HttpError(400, 'Each module is { name, version }.');
    return { name, version };
  });
}

/** One entry's state, its install started when it is neither present nor under way. */
function follow(store: ModuleStore, installs: Map<string, { state: State; message?: string }>, gate: ModuleGate, { name, version }: Wanted) {
  const spec = `${name}@${version}`;
  if (store.resolve(spec)?.version === version) return { name, version, state: 'available' as State };
  let install = installs.get(spec);
  // A failure is reported once, then forgotten: asking again tries again.
  if (install?.state === 'failed') installs.delete(spec);
  else if (!install || install.state === 'available') {
    installs.set(spec, (install = { state: 'queued' }));
    const started = install;
    store
      .ensure([spec])
      .then(([result]) => {
        started.state = result?.state ?? 'failed';
        if (result?.error) started.message = result.error.message;
      }, (error: Error) => Object.assign(started, { state: 'failed', message: error.message }))
      .finally(() => gate.installed());
  }
  const { state, message } = install!;
  return { name, version, state, ...(message ? { message } : {}) };
}
