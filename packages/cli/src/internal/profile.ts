import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { replaceFile } from '@ext-compilers/core';
import type { Parsed } from './command.ts';
import { CliError, EXIT, usageError } from './errors.ts';

/** Where a client verb sends its requests, and as whom. */
export interface Connection {
  url: string;
  token: string;
  container: string;
}

export type Profiles = Record<string, Connection>;

/** The CLI's own directory: `$EXT_COMPILERS_HOME`, else `~/.ext-compilers`. */
export function cliHome(): string {
  return process.env.EXT_COMPILERS_HOME || join(homedir(), '.ext-compilers');
}

/** `$EXT_COMPILERS_HOME/profiles.json`, else `~/.ext-compilers/profiles.json`. */
export function profilesFile(): string {
  const home = cliHome();
  return join(home, 'profiles.json');
}

export async function readProfiles(file: string = profilesFile()): Promise<Profiles> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code}): check its permissions.`);
  }
  try {
    const profiles = JSON.parse(text) as unknown;
    if (typeof profiles === 'object' && profiles !== null && !Array.isArray(profiles)) return profiles as Profiles;
  } catch {}
  throw new CliError(`${file} is not a profiles file: fix it, or remove it and run "ext-compilers init" again.`);
}

/** The file holds tokens: the directory is 0700 and the file 0600, replaced atomically (core's `replaceFile`) so a crash never leaves half of it. */
export async function writeProfiles(profiles: Profiles, file: string = profilesFile()): Promise<void> {
  const directory = join(file, '..');
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await replaceFile(file, `${JSON.stringify(profiles, null, 2)}\n`, { mode: 0o600 });
}

/** The profile named by `--profile` (default `default`), with `--url`, `--token` and `--container` over it. */
export async function connectionOf(parsed: Parsed): Promise<Connection> {
  const name = parsed.string('profile') ?? 'default';
  const file: string = profilesFile();
  const profile = (await readProfiles(file))[name];
  const connection = {
    url: parsed.string('url') ?? profile?.url,
    token: parsed.string('token') ?? profile?.token,
    container: parsed.string('container') ?? profile?.container,
  };
  if (connection.url && connection.token && connection.container) return { ...connection, url: checkUrl(connection.url) } as Connection;
  if (!profile && parsed.string('profile') !== undefined) throw new CliError(`no profile "${name}" in ${file}: run "ext-compilers init --profile ${name} --url URL --token TOKEN --container NAME".`, EXIT.usage);
  const lacking = (['url', 'token', 'container'] as const).filter((key) => !connection[key]).map((key) => `--${key}`);
  throw new CliError(`no server to talk to (no ${lacking.join(', ')}, no profile "${name}" in ${file}): run "ext-compilers init --url URL --token TOKEN --container NAME" first.`, EXIT.usage);
}

export function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return url.replace(/\/+$/, '');
  } catch {}
  throw usageError(`"${url}" is not an http(s) URL: give the server's address, like http://127.0.0.1:8721.`);
}
