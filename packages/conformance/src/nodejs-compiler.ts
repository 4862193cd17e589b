import Module from 'node:module';
import { dirname, join } from 'node:path';

interface CompilableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  loaded: boolean;
  _compile(content: string, filename: string): unknown;
}
type ModuleConstructor = (new (id: string, parent?: unknown) => CompilableModule) & {
  _nodeModulePaths(from: string): string[];
};

export interface NodejsCompilerOptions {
  /** The file name user code appears to run as (stack traces show it); default `<cwd>/webtask.js`. */
  filename?: string;
}

/**
 * A `nodejsCompiler` as the webtask platform hands it to compilers: CommonJS source compiled as a
 * real module (Node's `Module#_compile`), whose top-level `return` value, or else `module.exports`,
 * is the result. A compile or load error is passed to the callback.
 */
export function createNodejsCompiler(
  options: NodejsCompilerOptions = {},
): (script: string, cb: (error: Error | null, exported?: unknown) => void) => void {
  const filename = options.filename ?? join(process.cwd(), 'webtask.js');
  const paths = (Module as unknown as ModuleConstructor)._nodeModulePaths(dirname(filename));
  return function nodejsCompiler(script, cb) {
    const mod = new (Module as unknown as ModuleConstructor)(filename);
    mod.filename = filename;
    mod.paths = paths;
    let exported: unknown;
    try {
      exported = mod._compile(script, filename) || mod.exports;
      mod.loaded = true;
    } catch (error) {
      return cb(error as Error);
    }
    cb(null, exported);
  };
}

/** The default `nodejsCompiler` (file name `<cwd>/webtask.js`). */
export const nodejsCompiler: (script: string, cb: (error: Error | null, exported?: unknown) => void) => void =
  createNodejsCompiler();
