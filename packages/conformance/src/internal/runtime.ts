import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The part of webtask-runtime@2.0.0's `simulate()` the suite uses. */
export interface SimulatedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  payload: string;
}
export type Simulate = (
  fn: unknown,
  options: Record<string, unknown>,
  cb: (res: SimulatedResponse) => void,
) => void;

interface LoadableModule {
  filename: string;
  loaded: boolean;
  exports: unknown;
}

const require = createRequire(import.meta.url);
let simulate: Simulate | undefined;

/** webtask-runtime's entry point, resolved from this package. */
export function runtimePath(): string {
  return require.resolve('webtask-runtime');
}

/**
 * webtask-runtime@2.0.0's `simulate`, loaded without its circular-dependency warning. Its
 * `lib/context.js` requires the package index while the index is still loading, so it keeps the
 * index's half-built exports (no `PARSE_ON_ARITY`) and Node warns on every request. Loading
 * `lib/simulator.js` while a finished stand-in of the index (the three constants context.js reads)
 * sits in the module cache gives context.js complete constants; the stand-in is removed at once.
 * The suite always passes `parseBody`, so the constant's default never decides a case.
 */
export function loadSimulate(): Simulate {
  if (simulate) return simulate;
  const indexPath = runtimePath();
  const path = join(dirname(indexPath), 'lib', 'simulator.js');
  const cache = require.cache;
  if (cache[indexPath] || cache[path]) return (simulate = (require(path) as { simulate: Simulate }).simulate);
  const standIn = new (Module as unknown as new (id: string) => LoadableModule)(indexPath);
  standIn.filename = indexPath;
  standIn.loaded = true;
  standIn.exports = { PARSE_NEVER: 0, PARSE_ALWAYS: 1, PARSE_ON_ARITY: 2 };
  cache[indexPath] = standIn as unknown as NodeJS.Module;
  try {
    simulate = (require(path) as { simulate: Simulate }).simulate;
  } finally {
    delete cache[indexPath];
  }
  return simulate;
}
