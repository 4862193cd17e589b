export { compile } from './compile.ts';
export { createContext } from './create-context.ts';
export { createServer } from './create-server.ts';
export { createStorage } from './create-storage.ts';
export { nodejsCompiler } from './nodejs-compiler.ts';
export { simulate } from './simulate.ts';

/** `pb` values, as webtask-runtime exports them. */
export const PARSE_NEVER = 0;
export const PARSE_ALWAYS = 1;
export const PARSE_ON_ARITY = 2;
