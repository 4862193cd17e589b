import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A fixture package packed into a tarball. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  /** The fixture's package.json, as the registry publishes it. */
  readonly manifest: Record<string, unknown>;
  /** The tarball `npm pack` wrote. */
  readonly tarball: string;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/packages/', import.meta.url));

/** Every fixture directory: `<name>-<version>/`, scoped ones under their `@scope/`. */
export function fixtureDirectories(): string[] {
  return readdirSync(FIXTURES).flatMap((entry) =>
    entry.startsWith('@') ? readdirSync(join(FIXTURES, entry)).map((inner) => join(FIXTURES, entry, inner)) : [join(FIXTURES, entry)],
  );
}

/** `npm pack` every fixture into `destination`, in one npm run. */
export async function packFixtures(destination: string): Promise<PackedPackage[]> {
  const directories = fixtureDirectories();
  const output = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination, ...directories]);
  const packed = JSON.parse(output) as { filename: string }[];
  return directories.map((directory, i) => {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Record<string, unknown>;
    return { name: String(manifest.name), version: String(manifest.version), manifest, tarball: join(destination, String(packed[i]?.filename)) };
  });
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`npm ${args[0]} failed (${code}): ${stderr}`))));
  });
}
