import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The marker a guest looks for before it serves: `workerData` of a worker, an argument of a child. */
export const GUEST_MARKER = '--ext-compilers-executor';

/**
 * The guest entry, resolved through the package's own exports: the built `dist/executor-entry.cjs`,
 * or — when this process runs with the `@ext-compilers/source` condition, as the tests do — the
 * TypeScript source, which needs tsx's loader in the guest too.
 */
export function guestEntry(): { file: string; typescript: boolean } {
  const file = createRequire(import.meta.url).resolve('@ext-compilers/runtime/executor-entry');
  return { file, typescript: file.endsWith('.ts') };
}

/**
 * A worker does not inherit the loader hooks of `--import tsx` on Node 20, so a TypeScript entry
 * is started by a bootstrap that registers tsx's loader in the worker first.
 */
export function typescriptBootstrap(file: string): string {
  // tsx's ESM build of its API: its CommonJS build cannot register the loader from a worker.
  const tsx = pathToFileURL(createRequire(file).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
}
