/** Placeholder while compile() is written (replaced in this session). */
export function compile(_code: string, _options?: object): Promise<unknown> {
  return Promise.reject(new Error('compile: pending'));
}
