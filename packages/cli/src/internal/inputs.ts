import { readFile } from 'node:fs/promises';
import { CliError, EXIT, usageError } from './errors.ts';

/** `K=V` pairs (repeatable options) as an object; the first `=` splits, so values may hold `=`. */
export function pairs(values: string[], option: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    if (equals <= 0) throw usageError(`--${option} takes KEY=VALUE, not "${value}".`);
    result[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return result;
}

/**
 * A dotenv file (wt-cli's `--secrets-file`): `KEY=VALUE` lines, `#` comments, optional `export `,
 * values optionally in single or double quotes (double quotes understand `\n`).
 */
export function parseDotenv(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trim().startsWith('#')) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else value = value.replace(/\s+#.*$/, '');
    result[match[1]!] = value;
  }
  return result;
}

/** A file the user named, as text; a missing one is exit 5 with the path it looked at. */
export async function readUserFile(path: string, what = 'file'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`no such ${what}: ${path}: check the path.`, EXIT.notFound);
    if (code === 'EISDIR') throw usageError(`${path} is a directory, not a ${what}: name a file.`);
    throw new CliError(`cannot read ${path} (${code}): check its permissions.`);
  }
}

/** The secrets of `--secrets-file F` under those of `--secret K=V`. */
export async function secretsOf(secretOptions: string[], secretsFile: string | undefined): Promise<Record<string, string>> {
  const fromFile = secretsFile === undefined ? {} : parseDotenv(await readUserFile(secretsFile, 'secrets file'));
  return { ...fromFile, ...pairs(secretOptions, 'secret') };
}

/** A webtask name from a file name: its base name without the extension (wt-cli's default). */
export function nameFromFile(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]*$/, '') || base;
}
