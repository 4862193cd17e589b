import { g as guestEntry, G as GUEST_MARKER, t as typescriptBootstrap, s as scopedLogger, b as serveJob, d as timingEntry, e as runJob, f as poolSettings, h as createPool, p as patchConsole, l as logToJob, i as documentOf, m as createHandle, o as openDocument, n as resolveSettings, q as compileForPipeline, u as passedCompileOptions, v as runWebtask, w as answerCompileError, x as requestTiming, L as LightResponse, y as textOf, z as LightRequest } from './chunks/executor-guest-DDYUKLn7.js';
export { A as compile, B as createContext, C as createNodejsCompiler, D as createStorage, E as nodejsCompiler } from './chunks/executor-guest-DDYUKLn7.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createServer as createServer$1 } from 'node:http';
import { createModuleStore } from '@ext-compilers/modules';
import { stringify } from 'node:querystring';
import 'node:module';
import 'node:url';
import 'node:crypto';
import '@ext-compilers/core';
import 'ext-compilers';
import 'ext-compilers/actions';
import 'node:async_hooks';
import 'node:util';
import 'node:stream';
import 'node:events';

const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;
function spawnChild(memoryLimit, writableDir) {
  const entry = guestEntry();
  const child = fork(entry.file, [GUEST_MARKER], {
    execArgv: [...permissionFlags(writableDir, entry.typescript), `--max-old-space-size=${memoryLimit}`],
    env: entry.typescript ? { ...process.env, TSX_DISABLE_CACHE: "1" } : process.env,
    serialization: "advanced",
    stdio: ["ignore", "inherit", "pipe", "ipc"]
  });
  let stderrTail = "";
  child.stderr?.on("data", (chunk) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-4096);
  });
  const exited = new Promise((resolve) => child.once("exit", () => resolve()));
  return {
    send: (message) => void (child.connected && child.send(message)),
    onMessage: (listener) => void child.on("message", (message) => listener(message)),
    onExit: (listener) => void child.once("exit", (code, signal) => listener(faultOf$1(code, signal, stderrTail, memoryLimit))),
    kill: () => stop(child, exited)
  };
}
function permissionFlags(writableDir, typescript) {
  const flags = ["--experimental-permission", "--allow-fs-read=*", `--allow-fs-write=${writableDir}`, "--disable-warning=ExperimentalWarning"];
  if (!typescript) return flags;
  return [...process.execArgv, ...flags, "--allow-worker", "--allow-child-process", "--disable-warning=SecurityWarning"];
}
function stop(child, exited) {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  return exited;
}
function faultOf$1(code, signal, stderr, limit) {
  if (OUT_OF_MEMORY.test(stderr)) return { kind: "memory", limit };
  if (signal) return { kind: "crash", message: `killed by ${signal}` };
  return { kind: "exit", code };
}

function spawnWorker(memoryLimit) {
  const entry = guestEntry();
  const options = { workerData: { [GUEST_MARKER]: true }, resourceLimits: { maxOldGenerationSizeMb: memoryLimit } };
  const worker = entry.typescript ? new Worker(typescriptBootstrap(entry.file), { ...options, eval: true }) : new Worker(entry.file, options);
  let error;
  worker.on("error", (cause) => void (error = cause));
  const exited = new Promise((resolve) => worker.once("exit", () => resolve()));
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on("message", (message) => listener(message)),
    onExit: (listener) => void worker.once("exit", (code) => listener(faultOf(code, error, memoryLimit))),
    kill: async () => {
      await worker.terminate();
      await exited;
    }
  };
}
function faultOf(code, error, limit) {
  if (error?.code === "ERR_WORKER_OUT_OF_MEMORY") return { kind: "memory", limit };
  if (error) return { kind: "crash", message: error.message };
  return { kind: "exit", code };
}

function createInProcessExecutor(options = {}) {
  const { onLog } = options;
  const logger = onLog ? scopedLogger(onLog) : options.logger ?? console;
  const release = onLog ? holdConsole() : void 0;
  const environment = (job, wanted) => {
    const document = job.storage && documentOf(job.storage);
    return { storage: () => createHandle(document ?? openDocument({})), document, logger, onLog: wanted ? onLog : void 0 };
  };
  return {
    run: async (job) => {
      const wanted = onLog !== void 0 && (options.logWanted?.(job.webtask) ?? true);
      const result = await runJob(job, environment(job, wanted));
      if (wanted && result.timing) onLog(timingEntry(job.webtask.id, result.requestId, result.timing));
      return result;
    },
    serve: async (job, req, res) => {
      const wanted = onLog !== void 0 && (options.logWanted?.(job.webtask) ?? true);
      const { requestId, timing } = await serveJob(job, req, res, environment(job, wanted));
      if (wanted && timing) onLog(timingEntry(job.webtask.id, requestId, timing));
    },
    close: () => Promise.resolve(release?.())
  };
}
let holders = 0;
let restoreConsole;
function holdConsole() {
  if (holders++ === 0) restoreConsole = patchConsole((level, args, original) => void (logToJob(level, args) || original(...args)));
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0) restoreConsole?.();
  };
}
function createWorkerExecutor(options = {}) {
  const settings = poolSettings(options);
  return createPool(() => spawnWorker(settings.memoryLimit), settings, "worker");
}
function createProcessExecutor(options = {}) {
  const settings = poolSettings(options);
  const writable = mkdtempSync(join(tmpdir(), "ext-compilers-process-"));
  const pool = createPool(() => spawnChild(settings.memoryLimit, writable), settings, "process");
  return {
    run: pool.run,
    serve: pool.serve,
    close: async () => {
      await pool.close();
      rmSync(writable, { recursive: true, force: true });
    }
  };
}

function createExecutor(options = {}) {
  const sandbox = options.sandbox ?? "in-process";
  if (sandbox === "in-process") return createInProcessExecutor({ logger: options.logger, onLog: options.onLog, logWanted: options.logWanted });
  if (sandbox === "worker") return createWorkerExecutor(options);
  if (sandbox === "process") return createProcessExecutor(options);
  throw new TypeError(`createExecutor: sandbox must be 'in-process', 'worker' or 'process'`);
}

function createJobWebtask(id, code, options = {}) {
  if (typeof id !== "string" || id === "") throw new TypeError("createJobWebtask: the id must be a non-empty string");
  if (typeof code !== "string") throw new TypeError("createJobWebtask: the code must be a string");
  const { dirname, filename, extraModulePaths, cache, compilerFetch, compileTimeout, modulesRoot } = options;
  const { parseBody, mergeBody, secrets, meta, params, maxBodySize, timeout, token, container, shortcutFavicon, serverTiming } = resolveSettings({ ...options, storage: void 0, initialStorageData: void 0, storageFile: void 0 });
  return {
    id,
    code,
    options: { dirname, filename, extraModulePaths, cache, compilerFetch, compileTimeout, modulesRoot },
    settings: { parseBody, mergeBody, secrets, meta, params, maxBodySize, timeout, token, container, shortcutFavicon, serverTiming }
  };
}

function createServer(codeOrFunction, options = {}) {
  const sandbox = options.sandbox ?? "in-process";
  if (sandbox !== "in-process" && sandbox !== "worker" && sandbox !== "process") {
    throw new TypeError(`createServer: sandbox must be 'in-process', 'worker' or 'process'`);
  }
  if (typeof codeOrFunction !== "function" && typeof codeOrFunction !== "string") {
    throw new TypeError("createServer: the webtask must be a function, or code that exports or returns one");
  }
  options = { ...options, serverTiming: options.serverTiming ?? true };
  if (sandbox !== "in-process") return isolatedServer(codeOrFunction, options, sandbox);
  if (options.modulesRoot !== void 0 && options.modules === void 0) options = { ...options, modules: createModuleStore({ root: options.modulesRoot }) };
  const settings = resolveSettings(options);
  let first = true;
  const timing = (compiled) => {
    if (!settings.serverTiming) return void 0;
    const measured = requestTiming(compiled, first);
    first = false;
    return measured;
  };
  let fn = typeof codeOrFunction === "function" ? codeOrFunction : void 0;
  let failure;
  const ready = typeof codeOrFunction === "string" ? compileForPipeline(codeOrFunction, passedCompileOptions(options), settings, true).then(
    (compiled) => void (fn = compiled),
    (error) => void (failure = error)
  ) : Promise.resolve();
  return createServer$1((req, res) => {
    const request = req;
    const response = res;
    if (fn) return runWebtask(fn, request, response, settings, void 0, timing(fn));
    if (failure !== void 0) return answerCompileError(response, failure);
    ready.then(() => fn ? runWebtask(fn, request, response, settings, void 0, timing(fn)) : answerCompileError(response, failure));
  });
}
function isolatedServer(code, options, sandbox) {
  if (typeof code !== "string") throw new TypeError(`createServer: with the '${sandbox}' sandbox the webtask must be code (a string); a function cannot cross to another thread or process`);
  for (const name of ["modules", "installModules"]) {
    if (options[name] !== void 0) throw new TypeError(`createServer: the '${name}' option holds live objects and is not available with the '${sandbox}' sandbox`);
  }
  const settings = resolveSettings(options);
  if (settings.storage) throw new TypeError(`createServer: with the '${sandbox}' sandbox, 'storage' must be one from createStorage()`);
  const executor = createExecutor({ sandbox, size: options.workers, timeout: settings.timeout, memoryLimit: options.memoryLimit, prefetch: options.prefetch, logger: settings.logger });
  const webtask = createJobWebtask("server", code, options);
  const storage = createHandle(settings.document);
  const server = createServer$1((req, res) => void executor.serve({ webtask, storage }, req, res));
  server.on("close", () => void executor.close());
  return server;
}

function simulate(codeOrFunction, optionsOrCb, maybeCb) {
  const cb = typeof optionsOrCb === "function" ? optionsOrCb : maybeCb;
  const options = typeof optionsOrCb === "function" ? {} : optionsOrCb ?? {};
  if (typeof codeOrFunction !== "function" && typeof codeOrFunction !== "string") {
    throw new TypeError("simulate: the webtask must be a function, or code that exports or returns one");
  }
  const result = run(codeOrFunction, options);
  if (!cb) return result;
  result.then((res) => queueMicrotask(() => cb(res)));
  return void 0;
}
function run(codeOrFunction, options) {
  const settings = resolveSettings(options);
  return new Promise((resolve) => {
    const req = lightRequest(options);
    const res = new LightResponse(({ statusCode, headers, body }) => resolve({ statusCode, headers, payload: textOf(body) }));
    const timing = (fn, waited) => settings.serverTiming ? requestTiming(fn, waited) : void 0;
    if (typeof codeOrFunction === "function") return runWebtask(codeOrFunction, req, res, settings, void 0, timing(codeOrFunction, false));
    const withStorage = options.storage !== void 0 || options.initialStorageData !== void 0 || options.storageFile !== void 0;
    compileForPipeline(codeOrFunction, passedCompileOptions(options), settings, withStorage).then(
      (fn) => runWebtask(fn, req, res, settings, void 0, timing(fn, true)),
      (error) => answerCompileError(res, error)
    );
  });
}
function lightRequest(options) {
  const headers = { host: "localhost" };
  for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name];
  const body = payloadOf(options.payload, headers);
  if (body !== void 0 && headers["content-length"] === void 0) headers["content-length"] = String(body.length);
  return new LightRequest({ method: (options.method ?? "GET").toUpperCase(), url: urlOf(options), headers, body });
}
function payloadOf(payload, headers) {
  if (payload === void 0 || payload === null) return void 0;
  if (typeof payload === "string") return Buffer.from(payload);
  if (Buffer.isBuffer(payload)) return payload;
  headers["content-type"] ??= "application/json";
  return Buffer.from(JSON.stringify(payload));
}
function urlOf(options) {
  const url = options.url ?? "/";
  if (!options.query || Object.keys(options.query).length === 0) return url;
  const mark = url.indexOf("?");
  const path = mark === -1 ? url : url.slice(0, mark);
  const current = new URLSearchParams(mark === -1 ? "" : url.slice(mark + 1));
  for (const name of Object.keys(options.query)) current.delete(name);
  const existing = current.toString();
  return `${path}?${existing ? `${existing}&` : ""}${stringify(options.query)}`;
}

const PARSE_NEVER = 0;
const PARSE_ALWAYS = 1;
const PARSE_ON_ARITY = 2;

export { PARSE_ALWAYS, PARSE_NEVER, PARSE_ON_ARITY, createExecutor, createJobWebtask, createServer, simulate };
//# sourceMappingURL=index.js.map
