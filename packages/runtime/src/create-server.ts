import { createServer as createHttpServer, type Server } from 'node:http';
import { createModuleStore } from '@ext-compilers/modules';
import { createExecutor, type Sandbox } from './create-executor.ts';
import { createJobWebtask } from './create-job-webtask.ts';
import { createHandle } from './storage/handle.ts';
import { defaultPoolSize } from './executor/pool/pool-settings.ts';
import { compileForPipeline, type PassedCompileOptions, readyWebtask, startedWebtask } from './job/compiled.ts';
import { runCompiled } from './job/run-job.ts';
import { requestId } from './request/id.ts';
import { type RuntimeOptions, resolveSettings } from './job/settings.ts';
import type { AnyWebtaskFunction, PipelineRequest, PipelineResponse } from './job/types.ts';

/** Options of `createServer()`: the runtime's and compile()'s options, plus the executor. */
export interface CreateServerOptions extends RuntimeOptions, PassedCompileOptions {
  /** Default `in-process` (no isolation: user code runs in this process). See docs/security.md. */
  sandbox?: Sandbox | undefined;
  /** `worker`/`process`: the pool size, every guest serving this one webtask; default twice `os.availableParallelism()`, at least 2. */
  workers?: number | undefined;
  /** `worker`/`process`: the heap limit of each worker or child in MB; default 128. */
  memoryLimit?: number | undefined;
  /** `worker`/`process`: jobs sent ahead to a busy worker or child; default 16 (see `createExecutor()`). */
  prefetch?: number | undefined;
  /**
   * The root of a module store for `'use npm'` (`createModuleStore({ root })`), with any sandbox:
   * in-process it is opened here (unless `modules` is given), in a pool where the code runs.
   */
  modulesRoot?: string | undefined;
}

/**
 * A `node:http` server that runs one webtask (a function, or code compiled once with compile())
 * for every request, through the same pipeline as `simulate()`. Not listening: call `listen()`.
 * With `sandbox: 'worker' | 'process'` the code runs in a pool, closed with the server.
 */
export function createServer(codeOrFunction: string | AnyWebtaskFunction, options: CreateServerOptions = {}): Server {
  const sandbox = options.sandbox ?? 'in-process';
  if (sandbox !== 'in-process' && sandbox !== 'worker' && sandbox !== 'process') {
    throw new TypeError(`createServer: sandbox must be 'in-process', 'worker' or 'process'`);
  }
  if (typeof codeOrFunction !== 'function' && typeof codeOrFunction !== 'string') {
    throw new TypeError('createServer: the webtask must be a function, or code that exports or returns one');
  }
  // Server-Timing is on for a server unless turned off.
  options = { ...options, serverTiming: options.serverTiming ?? true };
  if (sandbox !== 'in-process') return isolatedServer(codeOrFunction, options, sandbox);
  if (options.modulesRoot !== undefined && options.modules === undefined) options = { ...options, modules: createModuleStore({ root: options.modulesRoot }) };
  const settings = resolveSettings(options);
  // Compiled once, when the server is made (a failure is every request's answer); the first request reports the compile, later ones 0.
  const entry = typeof codeOrFunction === 'function' ? readyWebtask(codeOrFunction) : startedWebtask(compileForPipeline(codeOrFunction, options, settings, true));
  // One timing slot for every request: the pipeline reads the timing it is handed, never the slot.
  const timing = settings.serverTiming ? { current: undefined } : undefined;
  return createHttpServer((req, res) => runCompiled(entry, req as unknown as PipelineRequest, res as unknown as PipelineResponse, settings, requestId(), timing));
}

function isolatedServer(code: string | AnyWebtaskFunction, options: CreateServerOptions, sandbox: 'worker' | 'process'): Server {
  if (typeof code !== 'string') throw new TypeError(`createServer: with the '${sandbox}' sandbox the webtask must be code (a string); a function cannot cross to another thread or process`);
  for (const name of ['modules', 'installModules'] as const) {
    if (options[name] !== undefined) throw new TypeError(`createServer: the '${name}' option holds live objects and is not available with the '${sandbox}' sandbox`);
  }
  const settings = resolveSettings(options);
  if (settings.storage) throw new TypeError(`createServer: with the '${sandbox}' sandbox, 'storage' must be one from createStorage()`);
  // One webtask, so one container: all the pool's guests are its own.
  const size = options.workers ?? defaultPoolSize();
  const executor = createExecutor({ sandbox, size, containerGuests: size, timeout: settings.timeout, memoryLimit: options.memoryLimit, prefetch: options.prefetch, logger: settings.logger });
  const webtask = createJobWebtask('server', code, options);
  const storage = createHandle(settings.document!);
  const server = createHttpServer((req, res) => void executor.serve({ webtask, storage }, req, res));
  server.on('close', () => void executor.close());
  return server;
}
