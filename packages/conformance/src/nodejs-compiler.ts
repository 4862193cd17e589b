import { basename, dirname, join } from 'node:path';
import { createNodejsCompiler as runtimeNodejsCompiler } from '@ext-compilers/runtime';

/** `(script, cb)`: calls back `(error)` or `(null, exported)`. */
type NodejsCompilerFunction = (script: string, cb: (error: Error | null, exported?: unknown) => void) => void;

export interface NodejsCompilerOptions {
  /** The file name user code appears to run as (stack traces show it); default `<cwd>/webtask.js`. */
  filename?: string;
}

/**
 * A `nodejsCompiler` as the webtask platform hands it to compilers: CommonJS source compiled as a
 * real module (Node's `Module#_compile`), whose top-level `return` value, or else `module.exports`,
 * is the result. A compile or load error is passed to the callback. This is the runtime's
 * (`@ext-compilers/runtime`), placed at `filename`.
 */
export function createNodejsCompiler(options: NodejsCompilerOptions = {}): NodejsCompilerFunction {
  const filename = options.filename ?? join(process.cwd(), 'webtask.js');
  // The runtime's calls back with an Error or with null, never with undefined.
  return runtimeNodejsCompiler({ dirname: dirname(filename), filename: basename(filename) }) as NodejsCompilerFunction;
}

/** The default `nodejsCompiler` (file name `<cwd>/webtask.js`). */
export const nodejsCompiler: NodejsCompilerFunction = createNodejsCompiler();
