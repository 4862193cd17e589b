import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExtensibilityHandler, type NodejsCompiler, SECRET_NAME, type WebtaskRequest } from '@ext-compilers/core';
import { moduleCompiler } from '../internal/module-compiler.ts';
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
  const { compiler, exportName } = hookPoint(point);
  const secrets = options.secrets ?? {};
  const file = hook instanceof URL ? fileURLToPath(hook) : undefined;
  const script = file === undefined ? hook : readFileSync(file, 'utf8');
  const nodejsCompiler: NodejsCompiler =
    typeof script === 'string'
      ? moduleCompiler(file ?? options.filename ?? join(process.cwd(), 'webtask.js'))
      : (_script, cb) => cb(null, exportName === undefined ? script : { [exportName]: script });
  return new Promise((resolve, reject) => {
    compiler({ script: typeof script === 'string' ? script : '', nodejsCompiler, secrets }, (error, fn) => {
      if (error || !fn) return reject(error ?? new Error(`The ${point} compiler called back without a function`));
      resolve((body) => call(fn, body, secrets));
    });
  });
}

function call(fn: ExtensibilityHandler, body: unknown, secrets: Record<string, string>): Promise<Envelope> {
  const secret = secrets[SECRET_NAME];
  const headers = secret === undefined ? {} : { authorization: `Bearer ${secret}` };
  return new Promise((resolve, reject) => {
    const res = {
      writeHead: () => undefined,
      end: (json?: string) => {
        try {
          resolve(JSON.parse(String(json)) as Envelope);
        } catch (error) {
          reject(error);
        }
      },
    };
    // A copy: what the hook does to its arguments must not change the caller's fixture. The request
    // has been read (as a runtime's that parsed the body), so a falsy body is the body, not a stream to read.
    const req = { method: 'POST', headers: {}, readableEnded: true } as unknown as WebtaskRequest;
    fn({ headers, secrets, body: structuredClone(body) }, req, res);
  });
}
