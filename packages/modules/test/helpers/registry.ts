import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import semver from 'semver';
import type { PackedPackage } from './pack.ts';

/** A minimal npm registry on 127.0.0.1: packuments and tarballs, nothing else. */
export interface TestRegistry {
  readonly url: string;
  /** Every tarball GET, as `name@version`, in order. */
  readonly tarballRequests: string[];
  /** Called when a tarball is requested; the response waits for it (to hold an install mid-way). */
  onTarball: ((id: string) => void | Promise<void>) | undefined;
  close(): Promise<void>;
}

/**
 * Serve `packages` the way registry.npmjs.org does for npm's install: `GET /<name>` (scoped
 * names arrive as `@scope%2fname`) is the packument, with `dist.tarball` pointing back here and
 * `shasum`/`integrity` computed from the tarball; an unknown name is 404.
 */
export async function startRegistry(packages: readonly PackedPackage[], distTags: Record<string, Record<string, string>> = {}): Promise<TestRegistry> {
  const tarballs = new Map(packages.map((p) => [`${p.name}@${p.version}`, readFileSync(p.tarball)]));
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const tarball = /^\/-\/tarballs\/(.+)$/.exec(path);
    if (tarball !== null) {
      const id = String(tarball[1]);
      registry.tarballRequests.push(id);
      void Promise.resolve(registry.onTarball?.(id)).then(() => send(res, 200, tarballs.get(id), 'application/octet-stream'));
      return;
    }
    const packument = document(path.slice(1), registry.url);
    send(res, packument === undefined ? 404 : 200, JSON.stringify(packument ?? { error: 'Not found' }), 'application/json');
  });
  const document = (name: string, url: string): object | undefined => {
    const versions = packages.filter((p) => p.name === name);
    if (versions.length === 0) return undefined;
    const entries = versions.map((p) => {
      const bytes = tarballs.get(`${p.name}@${p.version}`) as Buffer;
      const dist = {
        tarball: `${url}/-/tarballs/${encodeURIComponent(`${p.name}@${p.version}`)}`,
        shasum: createHash('sha1').update(bytes).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      };
      return [p.version, { ...p.manifest, _id: `${p.name}@${p.version}`, dist }] as const;
    });
    const latest = semver.rsort(versions.map((p) => p.version))[0] as string;
    return { name, 'dist-tags': { latest, ...distTags[name] }, versions: Object.fromEntries(entries) };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const registry: TestRegistry = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tarballRequests: [],
    onTarball: undefined,
    close: () => stop(server),
  };
  return registry;
}

/** A registry URL where nothing listens: a port that was just free. */
export async function closedRegistryUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await stop(server);
  return `http://127.0.0.1:${port}`;
}

/**
 * npm's environment for a hermetic test: its own cache (a tarball cached by integrity would skip
 * the registry, and the tests count tarball requests), no user npmrc, no retries.
 */
export function npmEnv(directory: string): Record<string, string> {
  return {
    npm_config_cache: join(directory, 'npm-cache'),
    npm_config_userconfig: join(directory, 'npmrc'),
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
  };
}

function send(res: ServerResponse, status: number, body: string | Buffer | undefined, type: string): void {
  if (res.destroyed) return;
  res.writeHead(body === undefined ? 404 : status, { 'content-type': type });
  res.end(body ?? '');
}

function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
