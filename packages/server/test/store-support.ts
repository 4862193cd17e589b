// Shared by the store tests: a rejection's error, fresh data directories (removed by
// `removeDirectories`), and each WebtaskStore implementation, opened anew: the PostgreSQL one on a
// new database of the test server (postgres-support.ts; `removeDirectories` stops it too).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createEmbeddedStore, createMemoryStore, createPostgresStore, type WebtaskStore } from '@ext-compilers/server';
import { newDatabase, stopPostgres } from './postgres-support.ts';

export type Coded = Error & { code?: string; details?: Record<string, unknown> };

export async function rejects(promise: Promise<unknown>): Promise<Coded> {
  try {
    await promise;
  } catch (error) {
    return error as Coded;
  }
  throw new Error('expected a rejection');
}

const roots: string[] = [];

/** A data directory that does not exist yet, in a fresh temporary directory (removed by `removeDirectories`). */
export function newDirectory(): string {
  const root = mkdtempSync(join(tmpdir(), 'server-store-'));
  roots.push(root);
  return join(root, 'data');
}

export async function removeDirectories(): Promise<void> {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  await stopPostgres();
}

/** A master key for a test cluster. */
export const MASTER_KEY: string = randomBytes(32).toString('base64url');

export const implementations: Record<string, () => Promise<WebtaskStore>> = {
  memory: async () => createMemoryStore(),
  embedded: async () => createEmbeddedStore({ directory: newDirectory() }),
  postgres: async () => createPostgresStore({ url: await newDatabase(), masterKey: MASTER_KEY }),
};
