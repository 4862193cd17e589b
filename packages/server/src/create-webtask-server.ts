import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@ext-compilers/core';
import type { ModuleStore } from '@ext-compilers/modules';
import { createExecutor, type Executor, type Sandbox } from '@ext-compilers/runtime';
import type { TokenService } from '@ext-compilers/tokens';
import { createAuthenticator } from './auth/authenticator.ts';
import { sendError } from './http/answers.ts';
import { createLogHub, type LogHub } from './logs/log-hub.ts';
import { createModuleRoutes } from './routes/modules-routes.ts';
import { createRateLimiter, type RateLimit } from './run/rate-limit.ts';
import { createRunRoutes } from './routes/run-routes.ts';
import { errorStatus, httpErrorOf } from './http/error-status.ts';
import { createRouter } from './http/router.ts';
import { createTokenRoutes } from './routes/token-routes.ts';
import { createWebtaskRoutes } from './routes/webtask-routes.ts';
import { createWebtasks, type Webtasks } from './run/webtask-cache.ts';
import type { WebtaskStore } from './store/webtask-store.ts';

export type { RateLimit } from './run/rate-limit.ts';

/**
 * Where the server reports its own faults (never a secret, never a request body): the `error`
 * level of core's one `Logger`, so `console` or any `Logger` serves.
 */
export type ServerLogger = Pick<Logger, 'error'>;

export interface WebtaskServerOptions {
  /** Where webtasks and their storage are kept (`createEmbeddedStore()`, `createMemoryStore()`). */
  store: WebtaskStore;
  /** Issues and checks the webtask tokens of the management routes and of ad-hoc runs. */
  tokens: TokenService;
  /** The token of the server's administrator, compared in constant time: full rights everywhere. */
  adminToken: string;
  /** Where webtasks run; default `createExecutor({ sandbox, size: workers, memoryLimit, timeout })`, closed with the server. */
  executor?: Executor | undefined;
  /** Default `worker`. Ignored with `executor`. */
  sandbox?: Sandbox | undefined;
  workers?: number | undefined;
  memoryLimit?: number | undefined;
  /** Per-request time limit of a run, in ms (default 20000). */
  timeout?: number | undefined;
  /** Largest request body a run accepts, in bytes (default 1 MiB). */
  maxBodySize?: number | undefined;
  /** For `/api/env/node/modules`; without it those routes answer 501. */
  modules?: ModuleStore | undefined;
  /** A limit on the run requests of each container; over it, 429 with `Retry-After`. */
  rateLimit?: RateLimit | undefined;
  /** The base of `webtask_url` (`https://hooks.example.com`); default `http://<Host header>`. */
  publicUrl?: string | undefined;
  logger?: ServerLogger | undefined;
}

const DEFAULT_TIMEOUT = 20_000;
const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * The multi-tenant webtask server: the management API (`/api/webtask`), the run routes
 * (`/api/run`), tokens (`/api/tokens`), log streams (`/api/logs/tenant`) and the module listing
 * (`/api/env/node/modules`), over one store, one token service and one executor. Not listening:
 * call `listen()`. Closing it closes the executor it created and ends the log streams.
 */
export function createWebtaskServer(options: WebtaskServerOptions): Server {
  const { store, tokens, adminToken } = checkOptions(options);
  const logger = options.logger ?? console;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY;
  const hub = createLogHub();
  const webtasks = createWebtasks(store, { timeout, maxBodySize, modulesRoot: options.modules?.root });
  const owned = options.executor === undefined;
  const executor = options.executor ?? defaultExecutor(options, { timeout, logger, webtasks, hub });
  const auth = createAuthenticator(tokens, adminToken);
  const base = (req: IncomingMessage): string => options.publicUrl?.replace(/\/+$/, '') ?? `http://${req.headers.host ?? 'localhost'}`;
  const context = { store, tokens, auth, webtasks, executor, hub, base, maxBodySize, modules: options.modules };
  const run = createRunRoutes({ ...context, limiter: createRateLimiter(options.rateLimit) });
  const handle = createRouter([
    ...createWebtaskRoutes(context),
    ...run.routes,
    ...createTokenRoutes(context),
    ...createModuleRoutes({ auth, modules: options.modules }),
  ]);

  const server = createHttpServer((req, res) => {
    let answered: Promise<void>;
    try {
      answered = run.shortcut(req, res) ?? handle(req, res);
    } catch (error) {
      answered = Promise.reject(error);
    }
    answered.catch((error: unknown) => answerFailure(res, error, logger));
  });

  server.on('close', () => {
    hub.close();
    if (owned) void executor.close();
  });
  return server;
}

/** The executor a server makes when it is given none; its log lines go to the log streams. */
function defaultExecutor(options: WebtaskServerOptions, parts: { timeout: number; logger: ServerLogger; webtasks: Webtasks; hub: LogHub }): Executor {
  const { logger, webtasks, hub } = parts;
  return createExecutor({
    sandbox: options.sandbox ?? 'worker',
    size: options.workers,
    memoryLimit: options.memoryLimit,
    timeout: parts.timeout,
    logger: { info: () => {}, warn: () => {}, error: (...args: unknown[]) => logger.error(...args) },
    // Lines and timings are followed only for containers someone streams.
    logWanted: (webtask) => {
      const where = webtasks.identify(webtask.id);
      return where !== undefined && hub.listening(where.container);
    },
    onLog: (entry) => {
      const where = entry.webtask === undefined ? undefined : webtasks.identify(entry.webtask);
      if (!where) return;
      hub.publish({ time: entry.time, level: entry.level, container: where.container, name: where.name, req_id: entry.requestId, msg: entry.message, ...(entry.timing ? { timing: entry.timing } : {}) });
    },
  });
}

/** Every failed request's one answer: its error's status and message (a 500's logged, not told). */
function answerFailure(res: ServerResponse, error: unknown, logger: ServerLogger): void {
  const http = httpErrorOf(error);
  if (errorStatus(error) === 500) logger.error('ext-compilers server: request failed:', describe(error));
  if (!res.headersSent) sendError(res, http);
  else res.end();
}

function checkOptions(options: WebtaskServerOptions): WebtaskServerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWebtaskServer needs { store, tokens, adminToken }.');
  if (typeof options.store?.get !== 'function') throw new TypeError('createWebtaskServer: `store` must be a WebtaskStore.');
  if (typeof options.tokens?.verify !== 'function') throw new TypeError('createWebtaskServer: `tokens` must be a TokenService.');
  if (typeof options.adminToken !== 'string' || options.adminToken.length < 32) throw new TypeError('createWebtaskServer: `adminToken` must be a string of at least 32 characters.');
  return options;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
