'use strict';

const executorGuest = require('./chunks/executor-guest-7ol8CBb2.cjs');
const node_fs = require('node:fs');
const node_os = require('node:os');
const node_path = require('node:path');
const node_child_process = require('node:child_process');
const node_worker_threads = require('node:worker_threads');
const node_http = require('node:http');
const modules = require('@ext-compilers/modules');
const node_querystring = require('node:querystring');
require('node:module');
require('node:url');
require('node:crypto');
require('@ext-compilers/core');
require('ext-compilers');
require('ext-compilers/actions');
require('node:async_hooks');
require('node:util');
require('node:stream');
require('node:events');

const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;
function spawnChild(memoryLimit, writableDir) {
  const entry = executorGuest.guestEntry();
  const child = node_child_process.fork(entry.file, [executorGuest.GUEST_MARKER], {
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
  const entry = executorGuest.guestEntry();
  const options = { workerData: { [executorGuest.GUEST_MARKER]: true }, resourceLimits: { maxOldGenerationSizeMb: memoryLimit } };
  const worker = entry.typescript ? new node_worker_threads.Worker(executorGuest.typescriptBootstrap(entry.file), { ...options, eval: true }) : new node_worker_threads.Worker(entry.file, options);
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
  const logger = onLog ? executorGuest.scopedLogger(onLog) : options.logger ?? console;
  const release = onLog ? holdConsole() : void 0;
  const environment = (job, wanted) => {
    const document = job.storage && executorGuest.documentOf(job.storage);
    return { storage: () => executorGuest.createHandle(document ?? executorGuest.openDocument({})), document, logger, onLog: wanted ? onLog : void 0 };
  };
  return {
    run: async (job) => {
      const wanted = onLog !== void 0 && (options.logWanted?.(job.webtask) ?? true);
      const result = await executorGuest.runJob(job, environment(job, wanted));
      if (wanted && result.timing) onLog(executorGuest.timingEntry(job.webtask.id, result.requestId, result.timing));
      return result;
    },
    serve: async (job, req, res) => {
      const wanted = onLog !== void 0 && (options.logWanted?.(job.webtask) ?? true);
      const { requestId, timing } = await executorGuest.serveJob(job, req, res, environment(job, wanted));
      if (wanted && timing) onLog(executorGuest.timingEntry(job.webtask.id, requestId, timing));
    },
    close: () => Promise.resolve(release?.())
  };
}
let holders = 0;
let restoreConsole;
function holdConsole() {
  if (holders++ === 0) restoreConsole = executorGuest.patchConsole((level, args, original) => void (executorGuest.logToJob(level, args) || original(...args)));
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    if (--holders === 0) restoreConsole?.();
  };
}
function createWorkerExecutor(options = {}) {
  const settings = executorGuest.poolSettings(options);
  return executorGuest.createPool(() => spawnWorker(settings.memoryLimit), settings, "worker");
}
function createProcessExecutor(options = {}) {
  const settings = executorGuest.poolSettings(options);
  const writable = node_fs.mkdtempSync(node_path.join(node_os.tmpdir(), "ext-compilers-process-"));
  const pool = executorGuest.createPool(() => spawnChild(settings.memoryLimit, writable), settings, "process");
  return {
    run: pool.run,
    serve: pool.serve,
    close: async () => {
      await pool.close();
      node_fs.rmSync(writable, { recursive: true, force: true });
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
  const { parseBody, mergeBody, secrets, meta, params, maxBodySize, timeout, token, container, shortcutFavicon, serverTiming } = executorGuest.resolveSettings({ ...options, storage: void 0, initialStorageData: void 0, storageFile: void 0 });
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
  if (options.modulesRoot !== void 0 && options.modules === void 0) options = { ...options, modules: modules.createModuleStore({ root: options.modulesRoot }) };
  const settings = executorGuest.resolveSettings(options);
  let first = true;
  const timing = (compiled) => {
    if (!settings.serverTiming) return void 0;
    const measured = executorGuest.requestTiming(compiled, first);
    first = false;
    return measured;
  };
  let fn = typeof codeOrFunction === "function" ? codeOrFunction : void 0;
  let failure;
  const ready = typeof codeOrFunction === "string" ? executorGuest.compileForPipeline(codeOrFunction, executorGuest.passedCompileOptions(options), settings, true).then(
    (compiled) => void (fn = compiled),
    (error) => void (failure = error)
  ) : Promise.resolve();
  return node_http.createServer((req, res) => {
    const request = req;
    const response = res;
    if (fn) return executorGuest.runWebtask(fn, request, response, settings, void 0, timing(fn));
    if (failure !== void 0) return executorGuest.answerCompileError(response, failure);
    ready.then(() => fn ? executorGuest.runWebtask(fn, request, response, settings, void 0, timing(fn)) : executorGuest.answerCompileError(response, failure));
  });
}
function isolatedServer(code, options, sandbox) {
  if (typeof code !== "string") throw new TypeError(`createServer: with the '${sandbox}' sandbox the webtask must be code (a string); a function cannot cross to another thread or process`);
  for (const name of ["modules", "installModules"]) {
    if (options[name] !== void 0) throw new TypeError(`createServer: the '${name}' option holds live objects and is not available with the '${sandbox}' sandbox`);
  }
  const settings = executorGuest.resolveSettings(options);
  if (settings.storage) throw new TypeError(`createServer: with the '${sandbox}' sandbox, 'storage' must be one from createStorage()`);
  const executor = createExecutor({ sandbox, size: options.workers, timeout: settings.timeout, memoryLimit: options.memoryLimit, prefetch: options.prefetch, logger: settings.logger });
  const webtask = createJobWebtask("server", code, options);
  const storage = executorGuest.createHandle(settings.document);
  const server = node_http.createServer((req, res) => void executor.serve({ webtask, storage }, req, res));
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
  const settings = executorGuest.resolveSettings(options);
  return new Promise((resolve) => {
    const req = lightRequest(options);
    const res = new executorGuest.LightResponse(({ statusCode, headers, body }) => resolve({ statusCode, headers, payload: executorGuest.textOf(body) }));
    const timing = (fn, waited) => settings.serverTiming ? executorGuest.requestTiming(fn, waited) : void 0;
    if (typeof codeOrFunction === "function") return executorGuest.runWebtask(codeOrFunction, req, res, settings, void 0, timing(codeOrFunction, false));
    const withStorage = options.storage !== void 0 || options.initialStorageData !== void 0 || options.storageFile !== void 0;
    executorGuest.compileForPipeline(codeOrFunction, executorGuest.passedCompileOptions(options), settings, withStorage).then(
      (fn) => executorGuest.runWebtask(fn, req, res, settings, void 0, timing(fn, true)),
      (error) => executorGuest.answerCompileError(res, error)
    );
  });
}
function lightRequest(options) {
  const headers = { host: "localhost" };
  for (const name in options.headers) headers[name.toLowerCase()] = options.headers[name];
  const body = payloadOf(options.payload, headers);
  if (body !== void 0 && headers["content-length"] === void 0) headers["content-length"] = String(body.length);
  return new executorGuest.LightRequest({ method: (options.method ?? "GET").toUpperCase(), url: urlOf(options), headers, body });
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
  return `${path}?${existing ? `${existing}&` : ""}${node_querystring.stringify(options.query)}`;
}

const PARSE_NEVER = 0;
const PARSE_ALWAYS = 1;
const PARSE_ON_ARITY = 2;

exports.compile = executorGuest.compile;
exports.createContext = executorGuest.createContext;
exports.createNodejsCompiler = executorGuest.createNodejsCompiler;
exports.createStorage = executorGuest.createStorage;
exports.nodejsCompiler = executorGuest.nodejsCompiler;
exports.PARSE_ALWAYS = PARSE_ALWAYS;
exports.PARSE_NEVER = PARSE_NEVER;
exports.PARSE_ON_ARITY = PARSE_ON_ARITY;
exports.createExecutor = createExecutor;
exports.createJobWebtask = createJobWebtask;
exports.createServer = createServer;
exports.simulate = simulate;
//# sourceMappingURL=index.cjs.map
