/** Placeholder while createServer() is written (replaced in this session). */
export function createServer(_codeOrFunction: unknown, _options?: object): never {
  throw new Error('createServer: pending');
}
