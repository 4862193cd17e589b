import Module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { prepare, analyze, createModuleStore } from '@ext-compilers/modules';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ExtCompilersError, DEFAULT_MAX_BODY_SIZE, readStream, BUFFERED_BODY, settleHook } from '@ext-compilers/core';
import * as points from 'ext-compilers';
import * as actions from 'ext-compilers/actions';
import { availableParallelism } from 'node:os';
import { writeFile, rename, readFileSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';
import { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { parse } from 'node:querystring';

const GUEST_MARKER = "--ext-compilers-executor";
function guestEntry() {
  const file = createRequire(import.meta.url).resolve("@ext-compilers/runtime/executor-entry");
  return { file, typescript: file.endsWith(".ts") };
}
function typescriptBootstrap(file) {
  const tsx = pathToFileURL(createRequire(file).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  return `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
}

const DEFAULT_CACHE_MAX = 1e3;
function createLru(max) {
  const entries = /* @__PURE__ */ new Map();
  return {
    get(key) {
      const value = entries.get(key);
      if (value === void 0) return void 0;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > max) entries.delete(entries.keys().next().value);
    },
    delete(key) {
      entries.delete(key);
    },
    get size() {
      return entries.size;
    }
  };
}
const shared = /* @__PURE__ */ new Map();
function sharedLru(max) {
  let lru = shared.get(max);
  if (!lru) shared.set(max, lru = createLru(max));
  return lru;
}
const identities = /* @__PURE__ */ new WeakMap();
let nextIdentity = 1;
function identityOf(value) {
  if (typeof value !== "object" && typeof value !== "function" || value === null) return void 0;
  let id = identities.get(value);
  if (id === void 0) identities.set(value, id = nextIdentity++);
  return id;
}
function cacheKey(inputs) {
  return createHash("sha256").update(JSON.stringify(inputs, sortKeys)).digest("hex");
}
function sortKeys(_key, value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const sorted = {};
  for (const key of Object.keys(value).sort()) sorted[key] = value[key];
  return sorted;
}

const Internals = Module;
function createModule(location) {
  const pathname = join(location.dirname, location.filename);
  const mod = new Internals(pathname);
  mod.filename = pathname;
  mod.paths = Internals._nodeModulePaths(location.dirname).concat(location.extraModulePaths);
  return mod;
}
function resolveFrom(mod, request) {
  try {
    return Internals._resolveFilename(request, mod);
  } catch {
    return void 0;
  }
}

function createNodejsCompiler(options = {}) {
  const location = {
    dirname: options.dirname ?? process.cwd(),
    filename: options.filename ?? "webtask.js",
    extraModulePaths: options.extraModulePaths ?? []
  };
  const webtaskApi = options.webtaskApi;
  return (script, cb) => {
    let exported;
    try {
      exported = load(script, location, webtaskApi);
    } catch (error) {
      cb(error === void 0 || error === null ? new Error(`The module threw ${String(error)}`) : error);
      return;
    }
    cb(null, exported);
  };
}
function load(script, location, webtaskApi) {
  const source = script.charCodeAt(0) === 65279 ? script.slice(1) : script;
  const mod = createModule(location);
  mod.webtask = webtaskApi;
  const returned = mod._compile(source, mod.filename);
  mod.loaded = true;
  return returned || mod.exports;
}
function nodejsCompiler(script, cb) {
  createNodejsCompiler()(script, cb);
}

const PREFIX = "Unable to compile submitted JavaScript";
const NOT_A_FUNCTION = "Supplied code must return or export a function.";
const BAD_SIGNATURE = "The JavaScript function must have one of the following signatures: ([ctx], callback) or (ctx, req, res).";
function compileFailed(thrown) {
  const original = thrown instanceof Error ? thrown : void 0;
  const text = original ? original.toString() : String(thrown);
  const failure = new Error();
  Object.defineProperty(failure, "cause", { value: classify("ERR_COMPILE_FAILED", `${PREFIX}: ${text}`, thrown), writable: true, configurable: true });
  failure.code = 400;
  failure.error = `${PREFIX}: ${text}`;
  failure.details = text;
  failure.name = original?.name ?? "Error";
  failure.message = original?.message ?? text;
  failure.stack = original?.stack ?? `${failure.name}: ${failure.message}`;
  return failure;
}
function invalidExport(code) {
  const reason = code === "ERR_COMPILE_SIGNATURE" ? BAD_SIGNATURE : NOT_A_FUNCTION;
  const message = `${PREFIX}. Error: ${reason}`;
  const failure = new Error(message, { cause: classify(code, reason, void 0) });
  failure.code = 400;
  failure.details = message;
  return failure;
}
function classify(code, message, cause) {
  return new ExtCompilersError(code, message, cause === void 0 ? void 0 : { cause });
}
function compileTimedOut(timeout) {
  const reason = new Error(`The wt-compiler did not call back within ${timeout} ms`);
  const failure = compileFailed(reason);
  failure.cause = classify("ERR_COMPILE_TIMEOUT", failure.error ?? reason.message, reason);
  return failure;
}

const MAY_USE_NPM = /^\uFEFF?\s*(['"])use\s+(?:npm|latest)\1/;
function mayUseNpm(code) {
  return MAY_USE_NPM.test(code);
}
async function prepareWithStore(code, store, filename) {
  try {
    return (await prepare(code, { store, install: true, filename })).code;
  } catch (error) {
    if (error.code === "ERR_COMPILE_SYNTAX") return code;
    throw error;
  }
}
async function prepareWithInstaller(code, mod, installModules, logger) {
  const sites = npmRequires(code);
  if (!sites) return code;
  const missing = sites.filter((site) => site.module?.version !== void 0 || !resolveFrom(mod, site.spec));
  if (missing.length === 0) return code;
  const specs = [...new Set(missing.map((site) => site.spec))];
  logger.info(`Your code requires the following modules that are not currently available: [${specs.join(", ")}].`);
  logger.info(`Installing: [${specs.join(", ")}] please wait...`);
  const error = await install(installModules, specs);
  if (error) {
    logger.warn(`An error was encountered while trying to install missing modules: ${error.message}`);
    logger.warn("Attempting to run the webtask anyway...");
  }
  return withoutVersions(code, missing);
}
function npmRequires(code) {
  if (!mayUseNpm(code) || !/\brequire\b/.test(code)) return void 0;
  let analysis;
  try {
    analysis = analyze(code);
  } catch {
    return void 0;
  }
  if (!analysis.directives.npm) return void 0;
  return analysis.requires.filter((site) => site.kind === "package" && site.module !== void 0);
}
function install(installModules, specs) {
  if (!installModules) {
    return Promise.resolve(
      new Error(
        `The code being compiled uses the "use npm" directive and the required modules '${specs.join(", ")}' are not available but no 'installModules' function was provided.`
      )
    );
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (error) => {
      if (settled) return;
      settled = true;
      resolve(error ?? void 0);
    };
    try {
      installModules(specs, done);
    } catch (error) {
      done(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
function withoutVersions(code, sites) {
  let out = code;
  for (const site of [...sites].sort((a, b) => b.start - a.start)) {
    const module = site.module;
    if (module?.version === void 0) continue;
    const bare = module.subpath === void 0 ? module.name : `${module.name}/${module.subpath}`;
    out = out.slice(0, site.start) + JSON.stringify(bare) + out.slice(site.end);
  }
  return out;
}

const DEFAULT_FETCH_TIMEOUT = 5e3;
const DEFAULT_FETCH_MAX_SIZE = 1024 * 1024;
async function fetchCompilerSource(url, limits = {}) {
  const timeout = limits.timeout ?? DEFAULT_FETCH_TIMEOUT;
  const maxSize = limits.maxSize ?? DEFAULT_FETCH_MAX_SIZE;
  const signal = AbortSignal.timeout(timeout);
  try {
    const response = await fetch(url, { signal, redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel().catch(() => void 0);
      throw fetchError$1(`The wt-compiler at ${url} answered with HTTP ${response.status}`, { url, status: response.status });
    }
    return await readText(response, url, maxSize);
  } catch (error) {
    if (error.code === "ERR_COMPILER_FETCH") throw error;
    if (signal.aborted) throw fetchError$1(`Timed out after ${timeout} ms fetching the wt-compiler at ${url}`, { url, timeout }, error);
    throw fetchError$1(`Cannot fetch the wt-compiler at ${url}: ${error.message}`, { url }, error);
  }
}
async function readText(response, url, maxSize) {
  const tooLarge = () => fetchError$1(`The wt-compiler at ${url} is larger than ${maxSize} bytes`, { url, limit: maxSize });
  if (Number(response.headers.get("content-length") ?? 0) > maxSize) {
    await response.body?.cancel().catch(() => void 0);
    throw tooLarge();
  }
  const chunks = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxSize) throw tooLarge();
      chunks.push(chunk);
    }
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks));
}
function fetchError$1(message, details, cause) {
  return new ExtCompilersError("ERR_COMPILER_FETCH", message, cause === void 0 ? { details } : { details, cause });
}

const OWN = /^(?:auth0-)?ext-compilers\/([^/]+)$/;
const OWN_ACTIONS = /^ext-compilers\/actions\/([^/]+)$/;
const MODULE = /^(@[^/(]+\/[^/(]+|[^@/(]+)(?:\/([^/(]+))?$/;
const URL_FORM = /^https?:\/\//i;
const hostRequire = createRequire(import.meta.url);
async function selectCompiler(spec, location, fetchLimits) {
  const own = OWN.exec(spec);
  if (own) return ownCompiler(spec, points, own[1]);
  const action = OWN_ACTIONS.exec(spec);
  if (action) return ownCompiler(spec, actions, action[1]);
  if (URL_FORM.test(spec)) return urlCompiler(spec, location, fetchLimits);
  const parts = MODULE.exec(spec);
  if (!parts) throw notFound(spec, `The wt-compiler '${spec}' is neither a module, a module/export nor an http(s) URL`);
  return moduleCompiler(spec, parts[1], parts[2], location);
}
function ownCompiler(spec, family, point) {
  const compiler = Object.hasOwn(family, point) ? family[point] : void 0;
  if (typeof compiler !== "function") throw notFound(spec, `The wt-compiler '${spec}' names no extensibility point of ext-compilers`);
  return compiler;
}
function moduleCompiler(spec, name, exportName, location) {
  const path = resolveFrom(createModule(location), name) ?? resolveHost(name);
  if (path === void 0) throw notFound(spec, `The wt-compiler module '${name}' cannot be found`);
  let exported;
  try {
    exported = hostRequire(path);
  } catch (error) {
    throw notFound(spec, `The wt-compiler module '${name}' failed to load: ${error?.message ?? String(error)}`, error);
  }
  const compiler = exportName === void 0 ? exported : ownExport(exported, exportName);
  if (typeof compiler !== "function") {
    throw notFound(spec, exportName === void 0 ? `The wt-compiler module '${name}' does not export a function` : `The wt-compiler module '${name}' has no function export '${exportName}'`);
  }
  return compiler;
}
function resolveHost(name) {
  try {
    return hostRequire.resolve(name);
  } catch {
    return void 0;
  }
}
function ownExport(exported, key) {
  return (typeof exported === "object" || typeof exported === "function") && exported !== null && Object.hasOwn(exported, key) ? exported[key] : void 0;
}
async function urlCompiler(url, location, fetchLimits) {
  const source = await fetchCompilerSource(url, fetchLimits);
  const compile = createNodejsCompiler(location);
  return new Promise((resolve, reject) => {
    compile(source, (error, exported) => {
      if (error) return reject(fetchError(url, `The wt-compiler at ${url} does not compile: ${error.message}`, error));
      if (typeof exported !== "function") return reject(fetchError(url, `The wt-compiler at ${url} does not export a function`));
      resolve(exported);
    });
  });
}
function notFound(spec, message, cause) {
  return new ExtCompilersError("ERR_COMPILER_NOT_FOUND", message, cause === void 0 ? { details: { compiler: spec } } : { details: { compiler: spec }, cause });
}
function fetchError(url, message, cause) {
  return new ExtCompilersError("ERR_COMPILER_FETCH", message, cause === void 0 ? { details: { url } } : { details: { url }, cause });
}

const built = /* @__PURE__ */ new WeakMap();
function recordBuild(fn, compile, modules) {
  built.set(fn, { compile, modules });
}
function requestTiming(fn, waitedFor) {
  const build = waitedFor ? built.get(fn) : void 0;
  return { compile: build?.compile ?? 0, modules: build?.modules ?? 0, user: void 0 };
}
function serverTimingHeader(timing) {
  const ms = (value) => (value ?? 0).toFixed(3);
  return `compile;dur=${ms(timing.compile)};desc="compile", modules;dur=${ms(timing.modules)};desc="module load", user;dur=${ms(timing.user)};desc="user code"`;
}

async function build(code, settings) {
  const started = performance.now();
  const spent = { modules: 0 };
  const fn = await buildUntimed(code, settings, spent);
  recordBuild(fn, performance.now() - started - spent.modules, spent.modules);
  return fn;
}
async function buildUntimed(code, settings, spent) {
  const base = createNodejsCompiler({ ...settings.location, webtaskApi: settings.webtaskApi });
  const spec = settings.meta["wt-compiler"];
  if (!spec) return checked(await loadPlain(base, mayUseNpm(code) ? await timed(prepareNpm(code, settings), spent) : code));
  const compiler = await selectCompiler(spec, settings.location, settings.compilerFetch);
  return callCompiler(
    compiler,
    { script: code, nodejsCompiler: withNpm(base, settings, spent), secrets: settings.secrets, meta: settings.meta },
    settings.compileTimeout
  );
}
async function timed(work, spent) {
  const started = performance.now();
  try {
    return await work;
  } finally {
    spent.modules += performance.now() - started;
  }
}
function prepareNpm(code, settings) {
  if (!mayUseNpm(code)) return code;
  if (settings.modules) return prepareWithStore(code, settings.modules, settings.location.filename);
  return prepareWithInstaller(code, createModule(settings.location), settings.installModules, settings.logger);
}
function loadPlain(base, code) {
  return new Promise((resolve, reject) => {
    base(code, (error, exported) => error ? reject(compileFailed(error)) : resolve(exported));
  });
}
function checked(exported) {
  if (typeof exported !== "function") throw invalidExport("ERR_COMPILE_NOT_A_FUNCTION");
  if (exported.length < 1 || exported.length > 3) throw invalidExport("ERR_COMPILE_SIGNATURE");
  return exported;
}
function withNpm(base, settings, spent) {
  return (script, cb) => {
    if (!mayUseNpm(script)) return base(script, cb);
    timed(prepareNpm(script, settings), spent).then(
      (prepared) => base(prepared, cb),
      (error) => cb(error)
    );
  };
}
function callCompiler(compiler, options, timeout) {
  return new Promise((resolve, reject) => {
    let called = false;
    const timer = timeout > 0 && Number.isFinite(timeout) ? setTimeout(() => {
      if (called) return;
      called = true;
      reject(compileTimedOut(timeout));
    }, timeout) : void 0;
    const done = (error, fn) => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      if (error) reject(isModulesError(error) ? error : compileFailed(error));
      else if (typeof fn !== "function") reject(invalidExport("ERR_COMPILE_NOT_A_FUNCTION"));
      else resolve(fn);
    };
    try {
      compiler(options, done);
    } catch (error) {
      done(error ?? new Error("The wt-compiler threw"));
    }
  });
}
function isModulesError(error) {
  const code = error.code;
  return typeof code === "string" && code.startsWith("ERR_MODULES_");
}

function compile(code, optionsOrCb, maybeCb) {
  const cb = typeof optionsOrCb === "function" ? optionsOrCb : maybeCb;
  const options = typeof optionsOrCb === "function" ? {} : optionsOrCb ?? {};
  if (typeof code !== "string") throw new TypeError("compile(code): code must be a string");
  if (cb !== void 0 && typeof cb !== "function") throw new TypeError("compile(code, options, cb): cb must be a function");
  const result = cached(code, options);
  if (!cb) return result;
  result.then(
    (fn) => queueMicrotask(() => cb(null, fn)),
    (error) => queueMicrotask(() => cb(error))
  );
  return void 0;
}
function cached(code, options) {
  const cache = options.cache === false ? void 0 : sharedLru(options.cache?.max ?? DEFAULT_CACHE_MAX);
  const recent = cache && recentKey(code, options);
  const hit = recent === void 0 ? void 0 : cache?.get(recent);
  if (hit) return hit;
  const settings = settle(options);
  const key = cache ? keyOf(code, settings, options) : void 0;
  if (!cache || key === void 0) return build(code, settings);
  const known = cache.get(key);
  if (known) {
    rememberKey(code, options, key);
    return known;
  }
  const pending = build(code, settings);
  cache.set(key, pending);
  rememberKey(code, options, key);
  pending.catch(() => forget(cache, key, pending));
  return pending;
}
const recentInputs = createLru(256);
function inputsOf(options) {
  if ("webtaskApi" in options || options.modules !== void 0 || options.extraModulePaths !== void 0) return void 0;
  return [options.meta, options.secrets, options.params, options.dirname, options.filename];
}
function recentKey(code, options) {
  const recent = recentInputs.get(code);
  const values = recent && inputsOf(options);
  if (!recent || !values) return void 0;
  for (let i = 0; i < values.length; i++) if (!sameShallow(values[i], recent.values[i])) return void 0;
  return recent.key;
}
function rememberKey(code, options, key) {
  const values = inputsOf(options)?.map((value) => typeof value === "object" && value !== null ? primitiveCopy(value) : value);
  if (values && !values.includes(NOT_PRIMITIVE)) recentInputs.set(code, { values, key });
}
const NOT_PRIMITIVE = /* @__PURE__ */ Symbol("not primitive");
function primitiveCopy(value) {
  const copy = {};
  for (const [name, field] of Object.entries(value)) {
    if (typeof field === "object" && field !== null) return NOT_PRIMITIVE;
    copy[name] = field;
  }
  return copy;
}
function sameShallow(value, copy) {
  if (typeof value !== "object" || value === null || typeof copy !== "object" || copy === null) return value === copy;
  let count = 0;
  for (const name in value) {
    if (!Object.hasOwn(value, name) || value[name] !== copy[name] || !Object.hasOwn(copy, name)) return false;
    count++;
  }
  return count === Object.keys(copy).length;
}
function forget(cache, key, pending) {
  if (cache.get(key) === pending) cache.delete(key);
}
function keyOf(code, settings, options) {
  try {
    const { location, meta, secrets, modules } = settings;
    return cacheKey([code, meta["wt-compiler"] ?? null, meta, secrets, options.params ?? null, location, modules?.root ?? null, identityOf(options.webtaskApi) ?? null]);
  } catch {
    return void 0;
  }
}
const DEFAULT_COMPILE_TIMEOUT = 1e4;
function settle(options) {
  const meta = options.meta ?? {};
  const secrets = options.secrets ?? {};
  return {
    location: {
      dirname: options.dirname ?? process.cwd(),
      filename: options.filename ?? "webtask.js",
      extraModulePaths: options.extraModulePaths ?? []
    },
    meta,
    secrets,
    webtaskApi: "webtaskApi" in options ? options.webtaskApi : { meta, params: options.params ?? {}, secrets },
    modules: options.modules,
    installModules: options.installModules,
    logger: options.logger ?? console,
    compilerFetch: options.compilerFetch,
    compileTimeout: options.compileTimeout ?? DEFAULT_COMPILE_TIMEOUT
  };
}

const STORAGE_LIMIT = 500 * 1024;
function openDocument(options) {
  if (options.file !== void 0 && options.save !== void 0) throw new TypeError("Storage: give either file or save, not both");
  const save = options.file === void 0 ? options.save : saveToFile(options.file);
  const document = { json: void 0, etag: null, save, writing: Promise.resolve() };
  const stored = options.file === void 0 ? void 0 : readStored(options.file);
  const initial = stored === void 0 ? options.initialData : stored;
  if (initial !== void 0 && initial !== null) replace(document, JSON.stringify(initial));
  return document;
}
function readStored(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
  return JSON.parse(text);
}
function replace(document, json) {
  document.json = json;
  document.etag = json === void 0 ? null : createHash("sha1").update(json).digest("base64");
}
function persist(document) {
  const save = document.save;
  if (save === void 0) return Promise.resolve();
  const json = document.json;
  const write = () => save(json);
  const next = document.writing.then(write, write);
  document.writing = next.catch(() => {
  });
  return next;
}
function saveToFile(file) {
  return (json) => new Promise((resolve, reject) => {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    writeFile(temp, json ?? "null", (error) => {
      if (error) return reject(error);
      rename(temp, file, (renameError) => renameError ? reject(renameError) : resolve());
    });
  });
}
function conflictError(current) {
  return Object.assign(new Error("Item was modified since it was read."), {
    code: 409,
    statusCode: 409,
    errorCode: "ERR_STORAGE_CONFLICT",
    conflict: current
  });
}
function tooLargeError(size) {
  return new ExtCompilersError("ERR_STORAGE_TOO_LARGE", `Storage data of ${size} bytes exceeds the limit of ${STORAGE_LIMIT} bytes`, {
    details: { limit: STORAGE_LIMIT, size }
  });
}

class Handle {
  #document;
  constructor(document) {
    this.#document = document;
  }
  static documentOf(value) {
    return #document in value ? value.#document : void 0;
  }
}
function documentOf(storage) {
  return Handle.documentOf(storage);
}
function createHandle(document) {
  let known;
  const storage = new Handle(document);
  Object.assign(storage, {
    get(options, cb) {
      const callback = callbackOf(options, cb, true);
      known = document.etag;
      const data = document.json === void 0 ? null : JSON.parse(document.json);
      process.nextTick(callback, null, data);
    },
    set(data, options, cb) {
      const callback = callbackOf(options, cb, false);
      const settings = typeof options === "object" ? options : {};
      const clear = data === void 0 || data === null;
      if (!clear && known === void 0 && !settings.force && settings.etag === void 0) {
        throw new ExtCompilersError(
          "ERR_STORAGE_USAGE",
          "When calling storage.set without having called storage.get before, you must specify the .force option."
        );
      }
      const expected = settings.etag === void 0 ? known : settings.etag;
      if (!settings.force && expected !== void 0 && expected !== document.etag) {
        return process.nextTick(callback, conflictError(document.json === void 0 ? null : JSON.parse(document.json)));
      }
      const json = clear ? void 0 : serialize(data);
      if (json instanceof Error) return process.nextTick(callback, json);
      if (json !== void 0 && Buffer.byteLength(json) > STORAGE_LIMIT) {
        return process.nextTick(callback, tooLargeError(Buffer.byteLength(json)));
      }
      replace(document, json);
      known = document.etag;
      if (document.save === void 0) return process.nextTick(callback, null);
      persist(document).then(() => callback(null), callback);
    }
  });
  return storage;
}
function callbackOf(options, cb, required) {
  const callback = typeof options === "function" && cb === void 0 ? options : cb;
  const settings = typeof options === "function" && cb === void 0 ? void 0 : options;
  if (settings !== void 0 && (typeof settings !== "object" || settings === null)) {
    throw new TypeError("Options must be an object.");
  }
  if (callback === void 0 && !required) return () => {
  };
  if (typeof callback !== "function") throw new TypeError("Callback must be a function.");
  return callback;
}
function serialize(data) {
  try {
    const json = JSON.stringify(data);
    return json === void 0 ? new TypeError("Storage data must be serializable as JSON.") : json;
  } catch (error) {
    return error;
  }
}

const DEFAULT_TIMEOUT = 2e4;
function resolveSettings(options) {
  const storage = options.storage;
  const document = storage ? documentOf(storage) : openDocument({ initialData: options.initialStorageData, file: options.storageFile });
  return {
    parseBody: options.parseBody === void 0 ? 2 : parseMode(options.parseBody),
    mergeBody: Boolean(options.mergeBody),
    secrets: options.secrets ?? {},
    meta: options.meta ?? {},
    params: options.params ?? {},
    document,
    storage: document ? void 0 : storage,
    maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE,
    timeout: options.timeout ?? DEFAULT_TIMEOUT,
    token: options.token,
    container: options.container ?? "webtask-local",
    shortcutFavicon: Boolean(options.shortcutFavicon),
    serverTiming: Boolean(options.serverTiming),
    logger: options.logger ?? console
  };
}
function parseMode(value) {
  if (value === 0 || value === 1 || value === 2) return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  throw new TypeError("parseBody must be 0, 1, 2 or a boolean");
}

const POINT_COMPILER = /^(?:auth0-)?ext-compilers\/(?:actions\/)?[^/]+$/;
function isPointWebtask(meta) {
  return POINT_COMPILER.test(meta["wt-compiler"] ?? "");
}
function runtimeErrorAnswer(meta, body) {
  const { code, error, message } = body;
  return isPointWebtask(meta) ? { statusCode: 200, body: { status: "error", data: { message, error, code } } } : { statusCode: code, body };
}

function faultResult(fault, webtask, sandbox) {
  const { statusCode, body } = runtimeErrorAnswer(webtask.settings.meta, describeFault(fault, sandbox));
  return jsonResult(statusCode, body);
}
function describeFault(fault, sandbox) {
  switch (fault.kind) {
    case "timeout":
      return { code: 504, error: "Script exceeded the execution time limit.", message: `Script exceeded the allowed execution time of ${fault.timeout} ms.` };
    case "memory":
      return { code: 500, error: "Script exhausted its memory limit.", message: `The ${sandbox} running the script exceeded its heap limit of ${fault.limit} MB and was stopped.` };
    case "exit":
      return { code: 500, error: "Script ended its sandbox.", message: `The ${sandbox} running the script exited (code ${fault.code ?? "none"}) before the script answered.` };
    case "crash":
      return { code: 500, error: "The sandbox crashed.", message: `The ${sandbox} running the script stopped: ${fault.message}` };
    case "async":
      return { code: 500, error: "Script generated an unhandled asynchronous exception.", message: fault.message };
    case "closed":
      return { code: 503, error: "The executor is closed.", message: "The server is shutting down." };
  }
}
function jsonResult(statusCode, body) {
  return { statusCode, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(body)) };
}

function createProxyHandle(request) {
  let known;
  return {
    get(options, cb) {
      const callback = callbackOf(options, cb, true);
      request({ op: "get" }, (reply) => {
        if (reply.error) return callback(storageError(reply.error));
        known = reply.etag ?? null;
        callback(null, reply.json === void 0 ? null : JSON.parse(reply.json));
      });
    },
    set(data, options, cb) {
      const callback = callbackOf(options, cb, false);
      const settings = typeof options === "object" && options !== null ? options : {};
      const clear = data === void 0 || data === null;
      if (!clear && known === void 0 && !settings.force && settings.etag === void 0) {
        throw new ExtCompilersError("ERR_STORAGE_USAGE", "When calling storage.set without having called storage.get before, you must specify the .force option.");
      }
      const json = clear ? void 0 : serialize(data);
      if (json instanceof Error) return process.nextTick(callback, json);
      const expected = settings.etag === void 0 ? known : settings.etag;
      request({ op: "set", json, expected, force: Boolean(settings.force) }, (reply) => {
        if (reply.error) return callback(storageError(reply.error));
        known = reply.etag ?? null;
        callback(null);
      });
    }
  };
}
function answerStorage(document, operation, cb) {
  if (!document) return cb({ error: { kind: "other", message: "Storage is not available to this webtask here." } });
  if (operation.op === "get") return cb({ json: document.json, etag: document.etag });
  if (!operation.force && operation.expected !== void 0 && operation.expected !== document.etag) {
    return cb({ error: { kind: "conflict", json: document.json } });
  }
  const size = operation.json === void 0 ? 0 : Buffer.byteLength(operation.json);
  if (size > STORAGE_LIMIT) return cb({ error: { kind: "too-large", size } });
  replace(document, operation.json);
  const etag = document.etag;
  persist(document).then(
    () => cb({ etag }),
    (error) => cb({ error: { kind: "other", message: error.message } })
  );
}
function storageError(error) {
  if (error.kind === "conflict") return conflictError(error.json === void 0 ? null : JSON.parse(error.json));
  if (error.kind === "too-large") return tooLargeError(error.size);
  return new Error(error.message);
}

const MAX_DELAY = 2 ** 31 - 1;
class DeadlineList {
  duration;
  #head;
  #tail;
  #timer;
  #expire;
  constructor(duration, expire) {
    this.duration = duration;
    this.#expire = expire;
  }
  /** Add `entry`, due `duration` ms after `started` (a `performance.now()` time no earlier than the last entry's). */
  add(entry, started) {
    entry.due = started + this.duration;
    entry.next = void 0;
    entry.prev = this.#tail;
    entry.listed = true;
    if (this.#tail) this.#tail.next = entry;
    else {
      this.#head = entry;
      if (this.#timer) this.#timer.ref();
      else this.#arm(entry.due);
    }
    this.#tail = entry;
  }
  /** Take `entry` out (it ended in time); nothing when it is not in the list. */
  remove(entry) {
    if (!entry.listed) return;
    entry.listed = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev;
    entry.prev = entry.next = void 0;
    if (!this.#head) this.#timer?.unref();
  }
  #arm(due) {
    this.#timer = setTimeout(this.#fire, Math.min(MAX_DELAY, Math.max(0, Math.ceil(due - performance.now()))));
  }
  #fire = () => {
    this.#timer = void 0;
    const now = performance.now();
    let head = this.#head;
    while (head && head.due <= now) {
      this.remove(head);
      this.#expire(head);
      head = this.#head;
    }
    if (head && !this.#timer) this.#arm(head.due);
  };
}
function deadlineLists(expire) {
  const lists = /* @__PURE__ */ new Map();
  return (duration) => {
    let list = lists.get(duration);
    if (!list) lists.set(duration, list = new DeadlineList(duration, expire));
    return list;
  };
}

function timingEntry(webtask, requestId, timing) {
  const ms = (value) => `${value.toFixed(2)} ms`;
  return {
    time: (/* @__PURE__ */ new Date()).toISOString(),
    level: "info",
    webtask,
    requestId,
    message: `${requestId === void 0 ? "Request" : `Request ${requestId}`} done: compile ${ms(timing.compile)}, module load ${ms(timing.modules)}, user code ${ms(timing.user)}`,
    timing
  };
}

function readRequestBody(req, limit, cb) {
  readStream(req, limit, (error, body) => {
    if (error === void 0) return cb(null, body.toString());
    if (error.code === "ERR_BODY_TOO_LARGE") {
      return cb({ statusCode: 413, body: tooLargeBody(limit) });
    }
    const reason = error.cause?.message ?? error.message;
    cb({ statusCode: 400, body: { code: 400, error: "Failed to read the request body.", message: reason } });
  });
}
function tooLargeBody(limit) {
  return { code: 413, error: "Request body too large.", message: `Request body exceeds the limit of ${limit} bytes.` };
}

function readJobRequest(req, limit, id, url, cb) {
  readStream(req, limit, (error, body) => {
    if (error) return cb(void 0);
    cb({ id, method: req.method ?? "GET", url: url ?? req.url ?? "/", headers: req.headers, body: body.length === 0 ? void 0 : ownBytes(body) });
  });
}
function ownBytes(body) {
  return body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
}
function tooLarge(limit) {
  return jsonResult(413, tooLargeBody(limit));
}
function writeResult(res, result) {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}
function serveByRunning(executor, job, req, res) {
  const limit = job.webtask.settings.maxBodySize;
  return new Promise((resolve) => {
    readJobRequest(req, limit, job.id, job.url, (request) => {
      if (!request) {
        writeResult(res, tooLarge(limit));
        return resolve();
      }
      executor.run({ webtask: job.webtask, request, storage: job.storage }).then((result) => {
        writeResult(res, result);
        resolve();
      });
    });
  });
}

const DEFAULT_MEMORY_LIMIT = 128;
const KILL_GRACE = 100;
const GUEST_WEBTASKS = 1e3;
const HOST_KNOWN = GUEST_WEBTASKS / 2;
const DEFAULT_PREFETCH = 16;
function poolSettings(options) {
  const size = options.size ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(size) || size < 1) throw new TypeError("The pool size must be a positive integer");
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  if (!Number.isInteger(prefetch) || prefetch < 0) throw new TypeError("The prefetch must be a non-negative integer");
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (typeof timeout !== "number" || !(timeout >= 0)) throw new TypeError("The timeout must be a non-negative number of ms");
  return { size, timeout, memoryLimit: options.memoryLimit ?? DEFAULT_MEMORY_LIMIT, prefetch, logger: options.logger ?? console, onLog: options.onLog, logWanted: options.logWanted };
}
function createPool(spawn, settings, sandbox) {
  const slots = /* @__PURE__ */ new Set();
  const queue = [];
  let nextId = 1;
  let closed = false;
  const start = () => {
    const slot = { transport: spawn(), ready: false, jobs: [], known: createLru(HOST_KNOWN), outbox: [] };
    slots.add(slot);
    slot.transport.onMessage((message) => receive(slot, message));
    slot.transport.onExit((fault) => ended(slot, fault));
  };
  const dispatch = () => {
    while (queue.length > 0) {
      let best;
      for (const slot of slots) {
        if (slot.ready && slot.jobs.length <= settings.prefetch && (!best || slot.jobs.length < best.jobs.length)) best = slot;
      }
      if (!best) break;
      send(best, queue.shift());
    }
    if (queue.length > 0 && !closed && slots.size < settings.size) start();
  };
  const send = (slot, pending) => {
    pending.slot = slot;
    slot.jobs.push(pending);
    const { webtask, request } = pending.job;
    const known = slot.known.get(webtask.id) === webtask;
    if (!known) slot.known.set(webtask.id, webtask);
    slot.outbox.push({ type: "run", id: pending.id, webtask: known ? webtask.id : webtask, request, log: pending.log });
    if (!flushing) {
      flushing = true;
      setImmediate(flush);
    }
    if (slot.jobs.length === 1) arm(slot);
  };
  let flushing = false;
  const flush = () => {
    flushing = false;
    for (const slot of slots) {
      if (slot.outbox.length === 0) continue;
      const messages = slot.outbox;
      slot.outbox = [];
      slot.transport.send(messages.length === 1 ? messages[0] : messages);
    }
  };
  const limits = settings.timeout > 0 && Number.isFinite(settings.timeout) ? new DeadlineList(settings.timeout + KILL_GRACE, (pending) => {
    if (pending.slot?.jobs[0] === pending) fail(pending.slot, { kind: "timeout", timeout: settings.timeout });
  }) : void 0;
  const arm = (slot) => limits?.add(slot.jobs[0], performance.now());
  const fail = (slot, fault) => {
    const [running, ...waiting] = slot.jobs;
    slot.jobs = [];
    slot.outbox = [];
    if (running) limits?.remove(running);
    if (running) {
      settings.logger.error(`Webtask fault in a ${sandbox}: ${fault.kind}`);
      running.resolve(faultResult(fault, running.job.webtask, sandbox));
    } else if (!slot.ready && slots.has(slot)) {
      const first = queue.shift();
      first?.resolve(faultResult(fault, first.job.webtask, sandbox));
    }
    queue.unshift(...waiting);
    retire(slot);
  };
  const retire = (slot) => {
    if (!slots.delete(slot)) return;
    void slot.transport.kill();
    if (!closed && slot.ready) start();
    dispatch();
  };
  const receive = (slot, message) => {
    switch (message.type) {
      case "ready":
        slot.ready = true;
        return dispatch();
      case "result": {
        const running = slot.jobs[0];
        if (running?.id !== message.id) return;
        slot.jobs.shift();
        limits?.remove(running);
        if (slot.jobs.length > 0) arm(slot);
        const { body, timing, requestId } = message;
        const result = { statusCode: message.statusCode, headers: message.headers, body: Buffer.from(body.buffer, body.byteOffset, body.byteLength), timing, requestId };
        if (settings.onLog && running.log && timing) settings.onLog(timingEntry(running.job.webtask.id, requestId, timing));
        running.resolve(result);
        return dispatch();
      }
      case "storage": {
        const running = slot.jobs[0]?.job;
        const document = running?.webtask.id === message.webtask && running.storage ? documentOf(running.storage) : void 0;
        return answerStorage(document, message.operation, (reply) => {
          if (slots.has(slot)) slot.transport.send({ type: "storage", sid: message.sid, reply });
        });
      }
      case "log": {
        const entry = logEntryOf(message);
        return settings.onLog ? settings.onLog(entry) : settings.logger[entry.level](entry.message);
      }
      case "fault":
        return fail(slot, { kind: "async", message: message.message });
    }
  };
  const ended = (slot, fault) => {
    if (slots.has(slot)) fail(slot, fault);
  };
  for (let i = 0; i < settings.size; i++) start();
  const executor = {
    serve: (job, req, res) => serveByRunning(executor, job, req, res),
    run(job) {
      if (closed) return Promise.resolve(faultResult({ kind: "closed" }, job.webtask, sandbox));
      return new Promise((resolve) => {
        const log = settings.onLog !== void 0 && (settings.logWanted?.(job.webtask) ?? true);
        queue.push({ id: nextId++, slot: void 0, job, log, resolve, due: 0, prev: void 0, next: void 0, listed: false });
        dispatch();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const pending of queue.splice(0)) pending.resolve(faultResult({ kind: "closed" }, pending.job.webtask, sandbox));
      const stopping = [...slots].map((slot) => {
        slots.delete(slot);
        for (const pending of slot.jobs.splice(0)) {
          limits?.remove(pending);
          pending.resolve(faultResult({ kind: "closed" }, pending.job.webtask, sandbox));
        }
        return slot.transport.kill();
      });
      await Promise.all(stopping);
    }
  };
  return executor;
}
const LEVELS = /* @__PURE__ */ new Set(["info", "warn", "error"]);
function logEntryOf(message) {
  const { level, webtask, requestId } = message;
  return {
    time: String(message.time),
    level: LEVELS.has(level) ? level : "info",
    webtask: typeof webtask === "string" ? webtask : void 0,
    requestId: typeof requestId === "string" ? requestId : void 0,
    message: String(message.text)
  };
}

const MAX_LOG_MESSAGE = 8192;
const scopes = new AsyncLocalStorage();
let scopedJobs = 0;
function inJobScope(scope, work) {
  scopedJobs++;
  const result = scopes.run(scope, work);
  void result.finally(() => scopedJobs--);
  return result;
}
function unscoped(work) {
  if (scopedJobs === 0) scopes.disable();
  return work();
}
function logToJob(level, args) {
  const scope = scopes.getStore();
  if (!scope) return false;
  deliver(scope.onLog, logEntry(level, args, scope));
  return true;
}
function scopedLogger(fallback) {
  const emit = (level) => (...args) => void (logToJob(level, args) || deliver(fallback, logEntry(level, args, void 0)));
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
function deliver(sink, entry) {
  scopes.run(void 0, sink, entry);
}
function logEntry(level, args, scope) {
  const text = format(...args);
  return { time: (/* @__PURE__ */ new Date()).toISOString(), level, webtask: scope?.webtask, requestId: scope?.requestId, message: text.length > MAX_LOG_MESSAGE ? cut(text) : text };
}
function cut(text) {
  let end = MAX_LOG_MESSAGE - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 55296 && last <= 56319) end--;
  return `${text.slice(0, end)}\u2026`;
}
const CONSOLE_LEVELS = [
  ["log", "info"],
  ["info", "info"],
  ["debug", "info"],
  ["warn", "warn"],
  ["error", "error"]
];
function patchConsole(route) {
  const restores = CONSOLE_LEVELS.map(([method, level]) => {
    const original = console[method];
    const patched = (...args) => route(level, args, original);
    console[method] = patched;
    return () => {
      if (console[method] === patched) console[method] = original;
    };
  });
  return () => {
    for (const restore of restores) restore();
  };
}

class LightRequest extends Readable {
  method;
  url;
  headers;
  query = {};
  httpVersion = "1.1";
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  socket = { remoteAddress: "127.0.0.1", encrypted: false };
  #body;
  #taken = false;
  #handedOver = false;
  constructor(init) {
    super();
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.#body = init.body;
  }
  get connection() {
    return this.socket;
  }
  /** The body, once, for `BUFFERED_BODY` (installed on the prototype below). */
  static take(request) {
    if (request.#taken) return void 0;
    request.#taken = true;
    request.#handedOver = true;
    const body = request.#body ?? EMPTY;
    request.#body = void 0;
    return body;
  }
  /** Whether the body was handed over whole: the stream then counts as read to its end. */
  static handedOver(request) {
    return request.#handedOver;
  }
  _read() {
    this.#taken = true;
    const body = this.#body;
    this.#body = void 0;
    if (body !== void 0 && body.length > 0) this.push(body);
    this.push(null);
  }
}
const EMPTY = Buffer.alloc(0);
const streamEnded = Object.getOwnPropertyDescriptor(Readable.prototype, "readableEnded").get;
Object.defineProperties(LightRequest.prototype, {
  [BUFFERED_BODY]: {
    value() {
      return LightRequest.take(this);
    }
  },
  // As Node's request once its body was read: ended, whoever read it.
  readableEnded: {
    get() {
      return LightRequest.handedOver(this) || streamEnded.call(this);
    }
  }
});

class LightResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = "";
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  #headers = {};
  // Strings stay strings: a JSON answer written as one string is handed back without a round trip
  // through a Buffer. Only chunks of other encodings, or bytes, are kept as Buffers.
  #chunks = [];
  #onEnd;
  constructor(onEnd) {
    super();
    this.#onEnd = onEnd;
  }
  setHeader(name, value) {
    if (this.headersSent) throw headersSentError("set");
    this.#headers[name.toLowerCase()] = value;
    return this;
  }
  getHeader(name) {
    return this.#headers[name.toLowerCase()];
  }
  getHeaders() {
    return { ...this.#headers };
  }
  getHeaderNames() {
    return Object.keys(this.#headers);
  }
  hasHeader(name) {
    return name.toLowerCase() in this.#headers;
  }
  removeHeader(name) {
    if (this.headersSent) throw headersSentError("remove");
    delete this.#headers[name.toLowerCase()];
  }
  writeHead(statusCode, reason, headers) {
    if (this.headersSent) throw headersSentError("write");
    const fields = typeof reason === "object" ? reason : headers;
    this.statusCode = statusCode;
    this.statusMessage = typeof reason === "string" ? reason : STATUS_CODES[statusCode] ?? "";
    for (const name in fields) this.#headers[name.toLowerCase()] = fields[name];
    this.headersSent = true;
    return this;
  }
  write(chunk, encoding, cb) {
    if (this.writableEnded) return false;
    this.#send();
    this.#chunks.push(typeof chunk !== "string" ? Buffer.from(chunk) : isUtf8(encoding) ? chunk : Buffer.from(chunk, encoding));
    const done = typeof encoding === "function" ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  }
  end(chunk, encoding, cb) {
    if (this.writableEnded) return this;
    if (typeof chunk === "function") return this.end(void 0, void 0, chunk);
    if (typeof encoding === "function") return this.end(chunk, void 0, encoding);
    if (chunk !== void 0 && chunk !== null) this.write(chunk, encoding);
    this.#send();
    this.writableEnded = true;
    this.writableFinished = true;
    if (cb) this.once("finish", cb);
    this.#onEnd({ statusCode: this.statusCode, statusMessage: this.statusMessage, headers: { ...this.#headers }, body: bodyOf(this.#chunks) });
    this.emit("finish");
    this.emit("close");
    return this;
  }
  // As Node's response: the first write without an explicit head writes one (through writeHead, so
  // whoever wraps writeHead sees every head).
  #send() {
    if (this.headersSent) return;
    this.writeHead(this.statusCode, this.statusMessage || void 0);
  }
}
function isUtf8(encoding) {
  return typeof encoding !== "string" || encoding === "utf8" || encoding === "utf-8";
}
function bodyOf(chunks) {
  if (chunks.length === 1 && typeof chunks[0] === "string") return chunks[0];
  if (chunks.every((chunk) => typeof chunk === "string")) return chunks.join("");
  return Buffer.concat(chunks.map((chunk) => typeof chunk === "string" ? Buffer.from(chunk) : chunk));
}
function textOf(body) {
  return typeof body === "string" ? body : body.toString();
}
function headersSentError(action) {
  return Object.assign(new Error(`Cannot ${action} headers after they are sent to the client`), { code: "ERR_HTTP_HEADERS_SENT" });
}

function createStorage(options = {}) {
  if (typeof options !== "object" || options === null) throw new TypeError("createStorage: options must be an object");
  return createHandle(openDocument(options));
}

function requestId() {
  return `${Date.now()}.${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]*\+)?json$/;
function createContext(options = {}) {
  const query = withoutWebtaskKeys(options.query);
  const secrets = copy(options.secrets);
  const params = copy(options.params);
  const headers = lowerCased(options.headers);
  const data = copy(query, params, secrets);
  const ctx = {
    query,
    secrets,
    params,
    meta: copy(options.meta),
    headers,
    data,
    id: options.reqId ?? requestId(),
    token: options.token,
    storage: options.storage ?? createStorage({ initialData: options.initialStorageData }),
    create_token: createTokenNotSupported,
    create_token_url: createTokenUrlNotSupported
  };
  if (options.body) {
    ctx.body_raw = options.body;
    ctx.body = parseBody(options.body, headers["content-type"]);
    if (options.mergeBody && isPlainObject(ctx.body)) assignAll(data, ctx.body);
  }
  return ctx;
}
function parseBody(raw, contentType) {
  const mediaType = String(contentType ?? "application/json").split(";")[0].trim().toLowerCase();
  try {
    if (JSON_MEDIA_TYPE.test(mediaType)) return JSON.parse(raw);
    if (mediaType === "application/x-www-form-urlencoded") return copy(parse(raw));
  } catch {
  }
  return void 0;
}
function withoutWebtaskKeys(query) {
  const result = {};
  for (const key in query) if (!key.startsWith("webtask_")) define(result, key, query[key]);
  return result;
}
function lowerCased(headers) {
  const result = {};
  for (const key in headers) define(result, key.toLowerCase(), headers[key]);
  return result;
}
function copy(...sources) {
  const result = {};
  for (const source of sources) if (source) assignAll(result, source);
  return result;
}
function assignAll(target, source) {
  for (const key of Object.keys(source)) define(target, key, source[key]);
}
function define(target, key, value) {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function notSupported(name) {
  return () => {
    throw new ExtCompilersError("ERR_NOT_SUPPORTED", `The '${name}' method is not supported in this environment`);
  };
}
const createTokenNotSupported = notSupported("create_token");
const createTokenUrlNotSupported = notSupported("create_token_url");

function errorStatus(error) {
  const status = error?.statusCode;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : 400;
}
function scriptErrorBody(code, description, error) {
  const source = error;
  const isObject = typeof error === "object" && error !== null;
  return {
    code,
    error: description,
    details: describe(error),
    name: isObject ? text(source.name) : void 0,
    message: isObject ? text(source.message) : void 0,
    stack: isObject ? userStack(source.stack) : void 0
  };
}
function serializationErrorBody(error) {
  const body = scriptErrorBody(400, "Error when JSON serializing the result of the JavaScript code.", error);
  body.stack = void 0;
  return body;
}
function describe(error) {
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}
function text(value) {
  return value === void 0 ? void 0 : String(value);
}
const OWN_DIRECTORY = (() => {
  const frame = new Error().stack?.split("\n")[1] ?? "";
  const file = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?$/.exec(frame)?.[1];
  return file?.replace(/\/(src|dist)\/.*$/, "/$1/");
})();
function userStack(stack) {
  if (typeof stack !== "string") return void 0;
  if (OWN_DIRECTORY === void 0) return stack;
  return stack.split("\n").filter((line) => !line.includes(OWN_DIRECTORY)).join("\n");
}

function runWebtask(fn, req, res, settings, reqId = requestId(), timing) {
  if (shortcut(req, res, settings)) return;
  const run = { done: false, invoked: void 0, res, settings, limits: void 0, due: 0, prev: void 0, next: void 0, listed: false };
  if (timing) measure(res, run, timing, settings.serverTiming);
  const started = performance.now();
  const url = req.url ?? "/";
  const mark = url.indexOf("?");
  const query = mark === -1 ? {} : { ...parse(url.slice(mark + 1)) };
  req.query = query;
  const parseBody = flag(query.webtask_pb) ? 1 : settings.parseBody;
  const mergeBody = flag(query.webtask_mb) || settings.mergeBody;
  req.x_wt = { container: settings.container, req_id: reqId, url_format: 3, pb: parseBody, mb: mergeBody ? 1 : 0, token: settings.token };
  const context = (body) => createContext({
    query,
    secrets: settings.secrets,
    params: settings.params,
    meta: settings.meta,
    headers: req.headers,
    body,
    mergeBody,
    reqId,
    token: settings.token,
    storage: settings.document ? createHandle(settings.document) : settings.storageFor?.() ?? settings.storage
  });
  if (parseBody === 0 || parseBody === 2 && fn.length === 3) {
    invoke(fn, req, res, context(), run, settings);
  } else {
    readRequestBody(req, settings.maxBodySize, (failure, raw) => {
      if (failure) return answer(res, run, failure.statusCode, failure.body);
      invoke(fn, req, res, context(raw), run, settings);
    });
  }
  arm(fn, res, run, settings, started);
}
function arm(fn, res, run, settings, started) {
  if (run.done || res.writableEnded || !(settings.timeout > 0 && Number.isFinite(settings.timeout))) return;
  if (fn.length === 3) res.on("close", () => finish(run));
  run.limits = timeLimits(settings.timeout);
  run.limits.add(run, started);
}
const timeLimits = deadlineLists((run) => {
  const { res, settings } = run;
  if (run.done || res.writableEnded) return;
  report(settings, `Webtask timed out after ${settings.timeout} ms`);
  if (res.headersSent) return void (res.destroy ? res.destroy() : res.end());
  const { statusCode, body } = runtimeErrorAnswer(settings.meta, {
    code: 504,
    error: "Script exceeded the execution time limit.",
    message: `The webtask did not respond within ${settings.timeout} ms.`
  });
  answer(res, run, statusCode, body);
});
function measure(res, run, timing, header) {
  const writeHead = res.writeHead;
  res.writeHead = function(...args) {
    if (timing.user === void 0) {
      timing.user = run.invoked === void 0 ? 0 : performance.now() - run.invoked;
      if (header && !res.headersSent) res.setHeader?.("Server-Timing", serverTimingHeader(timing));
    }
    return writeHead.apply(this, args);
  };
}
function invoke(fn, req, res, ctx, run, settings) {
  if (run.done) return;
  run.invoked = performance.now();
  if (fn.length === 3) {
    try {
      const returned = fn(ctx, req, res);
      if (typeof returned?.then === "function") returned.then(void 0, (error) => thrown(res, run, settings, error));
    } catch (error) {
      thrown(res, run, settings, error);
    }
    return;
  }
  const cb = (error, data) => {
    if (run.done) return;
    if (error) return answer(res, run, errorStatus(error), scriptErrorBody(errorStatus(error), "Script returned an error.", error));
    let body;
    try {
      body = data ? JSON.stringify(data) ?? "{}" : "{}";
    } catch (serializeError) {
      return answer(res, run, 400, serializationErrorBody(serializeError));
    }
    answer(res, run, 200, body);
  };
  try {
    const withContext = fn.length === 2 || Object.prototype.toString.call(fn) === "[object AsyncFunction]";
    const returned = withContext ? fn(ctx, cb) : fn(cb);
    if (returned !== void 0) settleHook(returned, cb, fn.length > (withContext ? 1 : 0));
  } catch (error) {
    thrown(res, run, settings, error);
  }
}
function thrown(res, run, settings, error) {
  report(settings, "Webtask threw synchronously:", error);
  if (run.done || res.writableEnded) return;
  if (res.headersSent) {
    finish(run);
    return void res.end();
  }
  answer(res, run, 500, scriptErrorBody(500, "Script generated an unhandled synchronous exception.", error));
}
function answer(res, run, statusCode, body) {
  finish(run);
  if (res.writableEnded) return;
  if (res.headersSent) return void res.end();
  res.writeHead(statusCode, { "Content-Type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}
function finish(run) {
  run.done = true;
  run.limits?.remove(run);
}
function shortcut(req, res, settings) {
  if (settings.shortcutFavicon && req.url === "/favicon.ico") {
    res.writeHead(404, {});
    res.end();
    return true;
  }
  const method = req.headers["access-control-request-method"];
  if (req.method !== "OPTIONS" || method === void 0) return false;
  const headers = {
    "access-control-allow-methods": String(method),
    "access-control-allow-credentials": "true",
    "access-control-max-age": "60000"
  };
  if (req.headers.origin !== void 0) headers["access-control-allow-origin"] = String(req.headers.origin);
  const requested = req.headers["access-control-request-headers"];
  if (requested !== void 0) headers["access-control-allow-headers"] = String(requested);
  res.writeHead(200, headers);
  res.end();
  return true;
}
function flag(value) {
  return value !== void 0 && value !== "" && value !== "0";
}
function report(settings, message, error) {
  if (error === void 0) settings.logger.error(message);
  else settings.logger.error(message, error);
}

function compileForPipeline(code, options, settings, withStorage) {
  const { meta, params, secrets, logger } = settings;
  if (!withStorage) return compile(code, { ...options, meta, params, secrets, logger });
  const storage = settings.document ? createHandle(settings.document) : settings.storage;
  return compile(code, { ...options, meta, params, secrets, logger, webtaskApi: { storage, meta, params, secrets } });
}
function answerCompileError(res, error) {
  if (res.writableEnded) return;
  const code = error?.code;
  const coded = typeof code === "number" && code >= 400 && code <= 599;
  res.writeHead(coded ? code : 500, { "Content-Type": "application/json" });
  res.end(JSON.stringify(coded ? error : { code: 500, error: "Server error", details: String(error) }));
}
function passedCompileOptions(options) {
  const { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout } = options;
  return { modules, dirname, filename, extraModulePaths, installModules, cache, compilerFetch, compileTimeout };
}

const webtasks = createLru(GUEST_WEBTASKS);
function knownWebtask(id) {
  return webtasks.get(id);
}
function remember(webtask) {
  const known = webtasks.get(webtask.id);
  if (known?.webtask === webtask) return known;
  const entry = known?.webtask.code === webtask.code ? { ...known, webtask, settings: void 0 } : { webtask, fn: void 0, ready: void 0, api: void 0 };
  webtasks.set(webtask.id, entry);
  return entry;
}
function runJob(job, environment) {
  return runKnown(remember(job.webtask), job.request, environment);
}
function runKnown(entry, request, environment) {
  const id = request.id ?? requestId();
  return scoped(
    entry,
    id,
    environment,
    (known, env) => new Promise((resolve) => {
      const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
      const timing = { current: void 0 };
      const res = new LightResponse(
        ({ statusCode, headers, body: body2 }) => resolve({ statusCode, headers, body: typeof body2 === "string" ? Buffer.from(body2) : body2, requestId: id, timing: finished(timing.current) })
      );
      start(known, req, res, id, env, timing);
    })
  );
}
function serveJob(job, req, res, environment) {
  const id = job.id ?? requestId();
  if (job.url !== void 0) req.url = job.url;
  return scoped(
    remember(job.webtask),
    id,
    environment,
    (known, env) => new Promise((resolve) => {
      const timing = { current: void 0 };
      const done = () => resolve({ requestId: id, timing: finished(timing.current) });
      if (res.writableFinished) return done();
      res.once("close", done);
      start(known, req, res, id, env, timing);
    })
  );
}
function start(known, req, res, id, environment, timing) {
  const settings = settingsOf(known, environment);
  if (known.ready) return runWebtask(known.ready, req, res, settings, id, timing.current = requestTiming(known.ready, false));
  const waited = known.fn === void 0;
  compiled(known, environment).then(
    (fn) => runWebtask(fn, req, res, settings, id, timing.current = requestTiming(fn, waited)),
    (error) => answerCompileError(res, error)
  );
}
function settingsOf(known, environment) {
  const { document, logger, storage } = environment;
  const cached = known.settings;
  if (cached && cached.document === document && cached.logger === logger && (document !== void 0 || cached.source === storage)) return cached.value;
  const { webtask } = known;
  const value = document === void 0 ? { ...webtask.settings, document: void 0, storage: void 0, storageFor: () => storage(webtask), logger } : { ...webtask.settings, document, storage: void 0, logger };
  known.settings = { document, logger, source: storage, value };
  return value;
}
function scoped(known, id, environment, work) {
  const { onLog } = environment;
  if (!onLog) return unscoped(() => work(known, environment));
  return inJobScope({ webtask: known.webtask.id, requestId: id, onLog }, () => work(known, environment));
}
function finished(timing) {
  return timing && { compile: timing.compile, modules: timing.modules, user: timing.user ?? 0 };
}
const moduleStores = /* @__PURE__ */ new Map();
function moduleStore(root) {
  let store = moduleStores.get(root);
  if (!store) moduleStores.set(root, store = createModuleStore({ root }));
  return store;
}
function compiled(known, environment) {
  if (known.fn) return known.fn;
  const { webtask } = known;
  const { meta, params, secrets } = webtask.settings;
  known.api ??= { storage: environment.storage(webtask), meta, params, secrets };
  const { modulesRoot, ...rest } = webtask.options;
  const modules = modulesRoot === void 0 ? void 0 : moduleStore(modulesRoot);
  const options = { ...rest, modules, meta, params, secrets, logger: environment.logger, webtaskApi: known.api };
  const fn = compile(webtask.code, options);
  known.fn = fn;
  fn.then((value) => {
    if (known.fn === fn) known.ready = value;
  }, () => {
  });
  fn.catch(() => {
    if (known.fn === fn) known.fn = void 0;
  });
  return fn;
}

export { compile as A, createContext as B, createNodejsCompiler as C, createStorage as D, nodejsCompiler as E, GUEST_MARKER as G, LightResponse as L, runKnown as a, serveJob as b, createProxyHandle as c, timingEntry as d, runJob as e, poolSettings as f, guestEntry as g, createPool as h, documentOf as i, jsonResult as j, knownWebtask as k, logToJob as l, createHandle as m, resolveSettings as n, openDocument as o, patchConsole as p, compileForPipeline as q, remember as r, scopedLogger as s, typescriptBootstrap as t, passedCompileOptions as u, runWebtask as v, answerCompileError as w, requestTiming as x, textOf as y, LightRequest as z };
//# sourceMappingURL=executor-guest-DDYUKLn7.js.map
