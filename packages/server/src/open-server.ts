import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createModuleStore } from '@ext-compilers/modules';
import { createTokenService, type TokenService } from '@ext-compilers/tokens';
import { createWebtaskServer, type WebtaskServerOptions } from './create-webtask-server.ts';
import { openRevocationFile } from './auth/revocation-file.ts';
import { createEmbeddedStore } from './store/create-embedded-store.ts';
import { loadSecretFile } from './store/internal/key-file.ts';
import type { WebtaskStore } from './store/webtask-store.ts';

/** Options of {@link openServer}: the data directory, and every option of `createWebtaskServer` but what the directory provides. */
export interface OpenServerOptions extends Omit<WebtaskServerOptions, 'store' | 'tokens' | 'adminToken' | 'modules' | 'executor'> {
  /** The data directory (created, mode 0700): webtasks, keys, the admin token, revocations, modules. */
  data: string;
  /** The module store for `'use npm'` listings and installs; default `<data>/modules`; `false` for none. */
  modules?: false | undefined;
}

export interface OpenedServer {
  /** Not listening yet. */
  server: Server;
  /** The admin token, as kept in `adminTokenFile` (mode 0600). */
  adminToken: string;
  adminTokenFile: string;
  /** Whether this start made the data directory's keys and admin token. */
  created: boolean;
  store: WebtaskStore;
  tokens: TokenService;
  /** Stop the server (if listening), its executor and its store. */
  close(): Promise<void>;
}

export const ADMIN_TOKEN_FILE = 'admin-token';
const TOKEN_KEYS_FILE = 'token.keys';
const KEY_BYTES = 32;

/**
 * A server over a data directory, as `ext-compilers start` runs it: the embedded store in
 * `<data>/store` (secrets encrypted at rest), the token keys in `<data>/token.keys`, the admin
 * token in `<data>/admin-token` and revoked tokens in `<data>/revoked`, each made on first start
 * with mode 0600; the module store in `<data>/modules`. One process per data directory.
 */
export async function openServer(options: OpenServerOptions): Promise<OpenedServer> {
  if (typeof options?.data !== 'string' || options.data === '') throw new TypeError('openServer: `data` must be a directory path');
  const data = resolve(options.data);
  await mkdir(data, { recursive: true, mode: 0o700 });
  let created = false;
  const keys = await loadSecretFile(data, TOKEN_KEYS_FILE, () => ((created = true), randomBytes(2 * KEY_BYTES)), (content, file) => {
    if (content.length !== 2 * KEY_BYTES) throw new Error(`${file} holds ${content.length} bytes, not ${2 * KEY_BYTES}: restore the original file (tokens cannot be verified with other keys)`);
  });
  const admin = await loadSecretFile(data, ADMIN_TOKEN_FILE, () => Buffer.from(`ecadm_${randomBytes(32).toString('base64url')}\n`), (content, file) => {
    if (!/^ecadm_[\w-]{43}\n?$/.test(content.toString())) throw new Error(`${file} does not hold an admin token: remove it to make a new one`);
  });
  const tokens = createTokenService({
    signingKey: keys.subarray(0, KEY_BYTES),
    encryptionKey: keys.subarray(KEY_BYTES),
    revocations: await openRevocationFile(join(data, 'revoked')),
  });
  const store = await createEmbeddedStore({ directory: join(data, 'store') });
  const modules = options.modules === false ? undefined : createModuleStore({ root: join(data, 'modules') });
  const adminToken = admin.toString().trim();
  let server: Server;
  try {
    server = createWebtaskServer({ ...options, store, tokens, adminToken, modules });
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
