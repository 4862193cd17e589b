import { readFileSync } from 'node:fs';

/** The server's version: its package's (this file, in src/ or bundled in dist/, sits one level under the package). */
export function serverVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
