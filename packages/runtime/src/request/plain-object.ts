/** Whether a value is an object that is not an array (or null): a dictionary of own keys. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
