import { compileFunction } from 'node:vm';

// The parameters Node's module wrapper gives CommonJS code: code that parses here loads as a module.
const MODULE_PARAMETERS = ['exports', 'require', 'module', '__filename', '__dirname'];
// The runtime's own compilers (the points and their Actions style, under either package name): JavaScript.
const OWN_COMPILER = /^(?:auth0-)?ext-compilers\//;

/**
 * Why webtask code cannot load, in the runtime's own words (`Unable to compile submitted
 * JavaScript: SyntaxError: …`), or `undefined` when it parses. The code is parsed, never run (V8
 * compiles the module wrapper's function and nothing calls it). Code for another `wt-compiler`
 * than the runtime's own (a URL, a module of the user's) may be another language: `undefined`,
 * left to that compiler.
 */
export function syntaxErrorOf(code: string, meta?: Readonly<Record<string, string>>): string | undefined {
  const compiler = meta?.['wt-compiler'];
  if (compiler !== undefined && !OWN_COMPILER.test(compiler)) return undefined;
  try {
    compileFunction(code, MODULE_PARAMETERS, { filename: 'webtask.js' });
    return undefined;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    return `Unable to compile submitted JavaScript: ${error.toString()}`;
  }
}
