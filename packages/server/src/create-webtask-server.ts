import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@ext-compilers/core';
import type { ModuleStore } from '@ext-compilers/modules';
import { type Executor, parseEgressAllow } from '@ext-compilers/runtime';
import type { TokenService } from '@ext-compilers/tokens';
import { createAuthenticator } from './auth/authenticator.ts';
import { sendError } from './http/answers.ts';
import { arrivalLimits, capConnections } from './limits/connections.ts';
import { limitsOf, type ServerLimits } from './limits/defaults.ts';
import { createWebtaskQuota } from './limits/webtask-quota.ts';
import { createLogHub } from './logs/log-hub.ts';
import { admitModules } from './modules/code-installs.ts';
import { createModuleGate, type ModuleGate } from './modules/module-gate.ts';
import type { ModulePolicy } from './modules/module-policy.ts';
import { createModuleRoutes } from './routes/modules-routes.ts';
import { createStatusRoutes } from './routes/status-routes.ts';
import { createEditRoutes } from './routes/edit-routes.ts';
import { serverVersion } from './version.ts';
import { defaultExecutor, defaultSandbox, type ExecutorSettings } from './run/default-executor.ts';
import { createRateLimiter, type RateLimit } from './run/rate-limit.ts';
import { createRunRoutes } from './routes/run-routes.ts';
import { errorStatus, httpErrorOf } from './http/error-status.ts';
import { createRouter } from './http/router.ts';
import type { RouteContext } from './routes/route-context.ts';
import { createTokenRoutes } from './routes/token-routes.ts';
import { createWebtaskRoutes } from './routes/webtask-routes.ts';
import { createWebtasks } from './run/webtask-cache.ts';
import type { WebtaskStore } from './store/webtask-store.ts';

export type { RateLimit } from './run/rate-limit.ts';

/**
 * Where the server reports its own faults (never a secret, never a request body): the `error`
 * level of core's one `Logger`, so `console` or any `Logger` serves.
 */
export type ServerLogger = Pick<Logger, 'error'>;

/**
 * Options of {@link createWebtaskServer}. The executor's (`sandbox` … `tmpSize`) are passed to
 * `createExecutor()` of `@ext-compilers/runtime`, which documents them; the server's own limits
 * (`maxWebtasks` … `maxContainerLogStreams`) default to {@link DEFAULT_LIMITS}.
 */
export interface WebtaskServerOptions extends ExecutorSettings, Partial<ServerLimits> {
  /** Where webtasks and their storage are kept (`createEmbeddedStore()`, `createMemoryStore()`). */
  store: WebtaskStore;
  /** Issues and checks the webtask tokens of the management routes and of ad-hoc runs. */
  tokens: TokenService;
  /** The token of the server's administrator, compared in constant time: full rights everywhere. */
  adminToken: string;
  /** Where webtasks run; default one made from the executor options below, closed with the server. */
  executor?: Executor | undefined;
  /** Per-request time limit of a run, in ms (default 20000). */
  timeout?: number | undefined;
  /** Largest request body a run accepts, in bytes (default 1 MiB). */
  maxBodySize?: number | undefined;
  /** For `/api/env/node/modules`; without it those routes answer 501. */
  modules?: ModuleStore | undefined;
  /** What tenants' tokens may install into `modules`; without it only the admin installs. */
  modulePolicy?: ModulePolicy | undefined;
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
  const limits = limitsOf(options);
  const logger = options.logger ?? console;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY;
  const gate = createModuleGate(options.modulePolicy, options.modules);
  const hub = createLogHub(limits);
  const admitCode = codeAdmission(options.modules, gate);
  // The server's own fetches (a `url` webtask's code) pass the rules of its guests' egress gate.
  const egress = parseEgressAllow(options.allowEgress ?? []);
  const webtasks = createWebtasks(store, { timeout, maxBodySize, egress, modulesRoot: options.modules?.root, maxContainerStorage: limits.maxContainerStorage, admitCode: admitCode && ((code) => admitCode(code, TENANT)), logger });
  const owned = options.executor === undefined;
  const executor = options.executor ?? defaultExecutor(options, { timeout, logger, webtasks, hub });
  const auth = createAuthenticator(tokens, adminToken);
  const base = (req: IncomingMessage): string => options.publicUrl?.replace(/\/+$/, '') ?? `http://${req.headers.host ?? 'localhost'}`;
  const quota = createWebtaskQuota(store, limits.maxWebtasks);
  const context = { store, tokens, auth, webtasks, executor, hub, base, maxBodySize, egress, modules: options.modules, gate, quota, limits, admitCode };
  const run = createRunRoutes({ ...context, limiter: createRateLimiter(options.rateLimit) });
  const facts = { version: serverVersion(), sandbox: options.executor === undefined ? (options.sandbox ?? defaultSandbox()) : 'custom', started: Date.now() };
  const handle = createRouter([...createWebtaskRoutes(context), ...run.routes, ...createTokenRoutes(context), ...createModuleRoutes(context), ...createStatusRoutes(context, facts), ...createEditRoutes()]);

  const server = createHttpServer(arrivalLimits(limits), (req, res) => {
    let answered: Promise<void>;
    try {
      answered = run.shortcut(req, res) ?? handle(req, res);
    } catch (error) {
      answered = Promise.reject(error);
    }
    answered.catch((error: unknown) => answerFailure(res, error, logger));
  });
  capConnections(server, limits);
  // close() waits for every connection, and a log stream never ends by itself: the streams end as
  // close() is called, each the way a stream ends, so a client tells a server that stopped from one that died.
  const close = server.close.bind(server);
  server.close = (callback) => {
    hub.close();
    return close(callback);
  };
  server.on('close', () => {
    hub.close();
    if (owned) void executor.close();
  });
  return server;
}

// Who wrote a stored webtask's code is not known when it runs: it is held to a tenant's rule.
const TENANT = { admin: false };

/** The check of code about to run (see `admitModules`), where there is a module store. */
function codeAdmission(modules: ModuleStore | undefined, gate: ModuleGate): RouteContext['admitCode'] {
  return modules && ((code, caller) => admitModules(code, modules, gate, caller));
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
