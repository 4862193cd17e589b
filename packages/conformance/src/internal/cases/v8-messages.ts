// Messages that V8 writes, not the compilers: the suite asks the running Node for them instead of
// spelling them out, because their wording changes between Node versions (Node 24's JSON.parse
// appends "(line 1 column 2)" to what Node 20 says) and a case must hold on every Node it runs
// on. The cases run in this process or in a child of the same `process.execPath`, so the answer
// here is the one the compilers under test (and the reference) get.
import { compileFunction } from 'node:vm';

/** What this Node's `JSON.parse` says of `text`, which must not be valid JSON. */
export function jsonParseMessage(text: string): string {
  return thrownMessage(() => JSON.parse(text), `JSON.parse accepted ${JSON.stringify(text)}`);
}

/**
 * What this Node says when it compiles `script` as a CommonJS module body (the parameters of
 * Node's module wrapper), which must be a syntax error.
 */
export function syntaxMessage(script: string): string {
  const wrapper = ['exports', 'require', 'module', '__filename', '__dirname'];
  return thrownMessage(() => compileFunction(script, wrapper), `${JSON.stringify(script)} compiled`);
}

function thrownMessage(action: () => unknown, misuse: string): string {
  try {
    action();
  } catch (error) {
    return (error as Error).message;
  }
  throw new TypeError(`expected a SyntaxError: ${misuse}`);
}
