/** Placeholder while simulate() is written (replaced in this session). */
export function simulate(_codeOrFunction: unknown, _options?: object): Promise<unknown> {
  return Promise.reject(new Error('simulate: pending'));
}
