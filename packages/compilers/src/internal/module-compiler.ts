import Module from 'node:module';
import { dirname } from 'node:path';
import type { NodejsCompiler } from '@ext-compilers/core';

interface LoadableModule {
  filename: string;
  paths: string[];
  exports: unknown;
  _compile(content: string, filename: string): unknown;
}

const Internals = Module as unknown as { new (id: string): LoadableModule; _nodeModulePaths(from: string): string[] };

/**
 * A `nodejsCompiler` without the runtime (which depends on this package): CommonJS source compiled
 * as a module at `filename` (the file need not exist; requires resolve from its directory, stack
 * frames name it), called back with its top-level `return` value or else `module.exports`, as the
 * runtime's does.
 */
export function moduleCompiler(filename: string): NodejsCompiler {
  return (script, cb) => {
    let exported: unknown;
    try {
      const mod = new Internals(filename);
      mod.filename = filename;
      mod.paths = Internals._nodeModulePaths(dirname(filename));
      // Node strips a BOM only when it reads a file itself.
      exported = mod._compile(script.charCodeAt(0) === 0xfeff ? script.slice(1) : script, filename) || mod.exports;
    } catch (error) {
      return cb(error instanceof Error ? error : new Error(String(error)));
    }
    cb(null, exported);
  };
}
