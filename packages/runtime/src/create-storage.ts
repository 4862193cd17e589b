/** Placeholder while createStorage() is written (replaced in this session). */
export function createStorage(_options?: object): never {
  throw new Error('createStorage: pending');
}
