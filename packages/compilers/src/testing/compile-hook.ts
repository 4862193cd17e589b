import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExtensibilityHandler, SECRET_NAME, type WebtaskCompiler } from '@ext-compilers/core';
// The runtime is this entry's optional peer: testing runs a hook as the runtime does, through
// its one compile and its one runner (the package's other entries never load it).
import { compile, simulate } from '@ext-compilers/runtime';
import type { Envelope } from '../types/envelope.ts';
import { type HookPoint, type HookPoints, hookPoint } from './hook-points.ts';

/** How `compileHook` and `runHook` compile and call. */
export interface HookOptions {
  /** The webtask's secrets (`context.webtask.secrets`, `event.secrets`). With `auth0-extension-secret` set, calls send its Bearer header. */
  secrets?: Record<string, string> | undefined;
  /** The file a source hook is compiled as: requires resolve from its directory, stack frames name it. Default `<cwd>/webtask.js`. */
  filename?: string | undefined;
}

/** One call of a compiled hook: the body in, the parsed envelope out. */
export type HookCall<P extends HookPoint> = (body: HookPoints[P]['body']) => Promise<Envelope>;

/**
 * Compile a hook with its point's compiler, as a runtime does once per webtask, and return a
 * function that calls it the way the platform does. `hook` is the source a customer stores, a
 * `file:` URL of it (compiled as that file), or the function itself (the module's export, or an
 * Actions point's `onExecute…`): a function is not compiled, so the point's error classes are not
 * in its scope — import them from `@ext-compilers/core`. State kept between calls (module
 * variables, `api.cache`) lives as long as the returned function.
 */
export function compileHook<P extends HookPoint>(point: P, hook: string | URL | HookPoints[P]['hook'], options: HookOptions = {}): Promise<HookCall<P>> {
  // An unknown point, or a file that cannot be read, throws here and now (a TypeError, fs's error).
  const { compiler, exportName } = hookPoint(point);
  const secrets = options.secrets ?? {};
  const file = hook instanceof URL ? fileURLToPath(hook) : undefined;
  const script = file === undefined ? hook : readFileSync(file, 'utf8');
  const compiled = typeof script === 'string' ? compileSource(point, script, file ?? options.filename ?? join(process.cwd(), 'webtask.js'), secrets) : wrapFunction(compiler, exportName, point, script, secrets);
  return compiled.then((fn) => (body) => call(fn, body, secrets));
}

/** Source: the runtime's compile, with the point as its `wt-compiler`, uncached (each compile is a module of its own). */
function compileSource(point: HookPoint, script: string, file: string, secrets: Record<string, string>): Promise<ExtensibilityHandler> {
  const meta = { 'wt-compiler': `ext-compilers/${point}` };
  return compile(script, { meta, secrets, dirname: dirname(file), filename: basename(file), cache: false }) as Promise<unknown> as Promise<ExtensibilityHandler>;
}

/** A function: the point's compiler wraps it as it is (its "module" exports it). */
function wrapFunction(compiler: WebtaskCompiler, exportName: string | undefined, point: HookPoint, hook: unknown, secrets: Record<string, string>): Promise<ExtensibilityHandler> {
  return new Promise((resolve, reject) => {
    compiler({ script: '', nodejsCompiler: (_script, cb) => cb(null, exportName === undefined ? hook : { [exportName]: hook }), secrets }, (error, fn) => {
      if (error || !fn) return reject(error ?? new Error(`The ${point} compiler called back without a function`));
      resolve(fn);
    });
  });
}

/**
 * One call as the platform makes it, through the runtime's runner: a POST of the body as JSON
 * (so what the hook does to its arguments never reaches the caller's fixture), with the Bearer
 * header when the secret is set; the answer's envelope, parsed.
 */
async function call(fn: ExtensibilityHandler, body: unknown, secrets: Record<string, string>): Promise<Envelope> {
  const secret = secrets[SECRET_NAME];
  const headers = secret === undefined ? {} : { authorization: `Bearer ${secret}` };
  const { payload } = await simulate(fn, { method: 'POST', headers, payload: body, secrets });
  return JSON.parse(payload) as Envelope;
}
