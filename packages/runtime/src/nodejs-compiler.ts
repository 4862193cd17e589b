import type { NodejsCompiler } from '@ext-compilers/core';
import { createModule } from './compile/module.ts';

/** Where compiled code appears to live, and what it sees as `module.webtask` while it loads. */
export interface NodejsCompilerOptions {
  /** The directory the module appears to run in; its node_modules hierarchy resolves bare requires. Default `process.cwd()`. */
  dirname?: string | undefined;
  /** The module's file name inside `dirname` (it need not exist). Default `webtask.js`. */
  filename?: string | undefined;
  /** Directories searched after the node_modules hierarchy, as webtask-runtime's option of the same name. */
  extraModulePaths?: readonly string[] | undefined;
  /** Set as `module.webtask` while the module loads (webtask-runtime passes `{ storage, meta, params, secrets }`). */
  webtaskApi?: unknown;
}

/**
 * A `nodejsCompiler` bound to a location: compiles CommonJS source as a real module (its own
 * `require`, `module`, `exports`, `__filename`, `__dirname`) and calls back, synchronously, with
 * the error the load threw or with what the module produced. A truthy top-level `return` value
 * wins over `module.exports`, as Node's `Module#_compile` returns the wrapper's result and
 * webtask-runtime uses it first.
 */
export function createNodejsCompiler(options: NodejsCompilerOptions = {}): NodejsCompiler {
  const location = {
    dirname: options.dirname ?? process.cwd(),
    filename: options.filename ?? 'webtask.js',
    extraModulePaths: options.extraModulePaths ?? [],
  };
  const webtaskApi = options.webtaskApi;
  return (script, cb) => {
    let exported: unknown;
    try {
      exported = load(script, location, webtaskApi);
    } catch (error) {
      // A callback that throws is the caller's problem, not a compile error: it runs outside the try.
      cb(error === undefined || error === null ? new Error(`The module threw ${String(error)}`) : (error as Error));
      return;
    }
    cb(null, exported);
  };
}

function load(script: string, location: Parameters<typeof createModule>[0], webtaskApi: unknown): unknown {
  // Node strips a BOM only when it reads a file; source handed to _compile keeps it and fails to parse.
  const source = script.charCodeAt(0) === 0xfeff ? script.slice(1) : script;
  const mod = createModule(location);
  mod.webtask = webtaskApi;
  const returned = mod._compile(source, mod.filename);
  mod.loaded = true;
  return returned || mod.exports;
}

/**
 * The platform's JavaScript compiler with the defaults (`process.cwd()/webtask.js`, no
 * `module.webtask`): `nodejsCompiler(script, cb)` calls back `(error)` or `(null, exported)`.
 */
export function nodejsCompiler(script: string, cb: Parameters<NodejsCompiler>[1]): void {
  // The default directory is the working directory at the time of the call, as in webtask-runtime.
  createNodejsCompiler()(script, cb);
}
