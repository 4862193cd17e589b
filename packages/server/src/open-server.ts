import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { replaceFile } from '@ext-compilers/core';
import { createModuleStore } from '@ext-compilers/modules';
import { createTokenService, type RevocationStore, type TokenService } from '@ext-compilers/tokens';
import { createWebtaskServer, type WebtaskServerOptions } from './create-webtask-server.ts';
import { openRevocationFile } from './auth/revocation-file.ts';
import { createEmbeddedStore } from './store/create-embedded-store.ts';
import { loadSecretFile } from './store/internal/key-file.ts';
import { openPostgres } from './store/postgres/open-postgres.ts';
import type { WebtaskStore } from './store/webtask-store.ts';

/** Options of {@link openServer}: the data directory, and every option of `createWebtaskServer` but what the directory provides. */
export interface OpenServerOptions extends Omit<WebtaskServerOptions, 'store' | 'tokens' | 'adminToken' | 'modules' | 'executor'> {
  /** The data directory (created, mode 0700): webtasks, keys, the admin token, revocations, modules. */
  data: string;
  /** The module store for `'use npm'` listings and installs; default `<data>/modules`; `false` for none. */
  modules?: false | undefined;
  /**
   * A PostgreSQL database (`postgres://user@host:5432/db`) that this server shares with the other
   * nodes of a cluster: webtasks, storage, revocations, the token keys and the admin token live
   * there, and the data directory keeps only this node's things (a copy of the admin token, the
   * module store). Needs `masterKey`.
   */
  database?: string | undefined;
  /** The cluster's master key (32 random bytes, base64url: `ext-compilers keygen`), the same on every node. */
  masterKey?: string | undefined;
}

export interface OpenedServer {
  /** Not listening yet. */
  server: Server;
  /** The admin token, as kept in `adminTokenFile` (mode 0600). */
  adminToken: string;
  adminTokenFile: string;
  /** Whether this start made the keys and the admin token (of the data directory, or of the cluster's database). */
  created: boolean;
  store: WebtaskStore;
  tokens: TokenService;
  /** Stop the server (if listening), its executor and its store. */
  close(): Promise<void>;
}

export const ADMIN_TOKEN_FILE = 'admin-token';
const TOKEN_KEYS_FILE = 'token.keys';
const KEY_BYTES = 32;

/** What a server's data come from: the data directory, or the cluster's database. */
interface Sources {
  readonly store: WebtaskStore;
  readonly revocations: RevocationStore;
  /** The token service's signing key, then its encryption key. */
  readonly tokenKeys: Buffer;
  readonly adminToken: string;
  readonly created: boolean;
}

/**
 * A server over a data directory, as `ext-compilers start` runs it: the embedded store in
 * `<data>/store` (secrets encrypted at rest), the token keys in `<data>/token.keys`, the admin
 * token in `<data>/admin-token` and revoked tokens in `<data>/revoked`, each made on first start
 * with mode 0600; the module store in `<data>/modules`. One process per data directory. With
 * `database`, a node of a cluster: all but the module store is the database's, and the cluster's
 * admin token is written to `<data>/admin-token`.
 */
export async function openServer(options: OpenServerOptions): Promise<OpenedServer> {
  if (typeof options?.data !== 'string' || options.data === '') throw new TypeError('openServer: `data` must be a directory path');
  const data = resolve(options.data);
  await mkdir(data, { recursive: true, mode: 0o700 });
  const sources = options.database === undefined ? await openDirectory(data) : await openCluster(data, options);
  const { store, adminToken, created } = sources;
  const tokens = createTokenService({ signingKey: sources.tokenKeys.subarray(0, KEY_BYTES), encryptionKey: sources.tokenKeys.subarray(KEY_BYTES), revocations: sources.revocations });
  const modules = options.modules === false ? undefined : createModuleStore({ root: join(data, 'modules') });
  let server: Server;
  try {
    const { database: _database, masterKey: _masterKey, ...serverOptions } = options;
    server = createWebtaskServer({ ...serverOptions, store, tokens, adminToken, modules });
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    server,
    adminToken,
    adminTokenFile: join(data, ADMIN_TOKEN_FILE),
    created,
    store,
    tokens,
    async close() {
      // close() ends the log streams (cleanly: first), then emits 'close' (which stops the
      // executor) once the connections still open are cut, listening or not.
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      await store.close();
    },
  };
}

/** The data directory's keys, admin token, revocations and embedded store, made on first start. */
async function openDirectory(data: string): Promise<Sources> {
  let created = false;
  const tokenKeys = await loadSecretFile(data, TOKEN_KEYS_FILE, () => ((created = true), randomBytes(2 * KEY_BYTES)), (content, file) => {
    if (content.length !== 2 * KEY_BYTES) throw new Error(`${file} holds ${content.length} bytes, not ${2 * KEY_BYTES}: restore the original file (tokens cannot be verified with other keys)`);
  });
  const admin = await loadSecretFile(data, ADMIN_TOKEN_FILE, () => Buffer.from(`ecadm_${randomBytes(32).toString('base64url')}\n`), (content, file) => {
    if (!/^ecadm_[\w-]{43}\n?$/.test(content.toString())) throw new Error(`${file} does not hold an admin token: remove it to make a new one`);
  });
  const revocations = await openRevocationFile(join(data, 'revoked'));
  const store = await createEmbeddedStore({ directory: join(data, 'store') });
  return { store, revocations, tokenKeys, adminToken: admin.toString().trim(), created };
}

/** The cluster's keys, admin token, revocations and store, from its database; the admin token copied to `<data>/admin-token`. */
async function openCluster(data: string, options: OpenServerOptions): Promise<Sources> {
  if (typeof options.masterKey !== 'string') throw new TypeError('openServer: `database` needs the cluster\'s `masterKey`');
  const cluster = await openPostgres({ url: options.database!, masterKey: options.masterKey, logger: options.logger ?? console });
  try {
    await replaceFile(join(data, ADMIN_TOKEN_FILE), `${cluster.secrets.adminToken}\n`);
  } catch (error) {
    await cluster.store.close();
    throw error;
  }
  const { tokenKeys, adminToken, created } = cluster.secrets;
  return { store: cluster.store, revocations: cluster.revocations, tokenKeys, adminToken, created };
}
