'use strict';

const node_http = require('node:http');
const runtime = require('@ext-compilers/runtime');
const node_crypto = require('node:crypto');
const core = require('@ext-compilers/core');
const tokens = require('@ext-compilers/tokens');
const node_querystring = require('node:querystring');
const modules = require('@ext-compilers/modules');
const promises = require('node:fs/promises');
const node_path = require('node:path');

class HttpError extends Error {
  status;
  headers;
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}
function sendJson(res, status, body, headers = {}) {
  if (res.headersSent) return void res.end();
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}
function sendError(res, error) {
  sendJson(res, error.status, { code: error.status, error: reasonOf(error.status), message: error.message }, error.headers);
}
function reasonOf(status) {
  switch (status) {
    case 400:
      return "Bad request.";
    case 401:
      return "Unauthorized.";
    case 403:
      return "Forbidden.";
    case 404:
      return "Not found.";
    case 405:
      return "Method not allowed.";
    case 409:
      return "Conflict.";
    case 413:
      return "Payload too large.";
    case 429:
      return "Too many requests.";
    default:
      return status >= 500 ? "Server error." : "Error.";
  }
}
function readBytes(req, limit) {
  return new Promise((resolve, reject) => {
    core.readStream(req, limit, (error, body) => {
      if (!error) return resolve(body);
      if (error.code === "ERR_BODY_TOO_LARGE") reject(new HttpError(413, `Request body size exceeds ${limit} bytes.`));
      else reject(new HttpError(400, error.message));
    });
  });
}
async function readJson(req, limit) {
  const raw = await readBytes(req, limit);
  if (raw.length === 0) return {};
  let value;
  try {
    value = JSON.parse(raw.toString());
  } catch {
    throw new HttpError(400, "The request body must be JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new HttpError(400, "The request body must be a JSON object.");
  return value;
}
function bearerOf(req, url) {
  const header = req.headers.authorization;
  if (typeof header === "string") {
    const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
    if (match) return match[1];
  }
  return url.searchParams.get("key") ?? void 0;
}

function createAuthenticator(tokens, adminToken) {
  const admin = digest(adminToken);
  const caller = async (req, url, container) => {
    const token = bearerOf(req, url);
    if (token === void 0) throw new HttpError(401, "A token is required: send Authorization: Bearer <token> (or ?key=<token>).");
    if (node_crypto.timingSafeEqual(digest(token), admin)) return { token, admin: true, verified: void 0 };
    return { token, admin: false, verified: await tokens.verify(token, container === void 0 ? {} : { container }) };
  };
  return {
    caller,
    async manager(req, url, container) {
      const found = await caller(req, url, container);
      const claims = found.verified?.claims;
      if (claims && (claims.url !== void 0 || claims.jtn !== void 0 || found.verified?.url !== void 0)) {
        throw new HttpError(403, "This token runs one webtask and cannot manage its container.");
      }
      return found;
    }
  };
}
function digest(value) {
  return node_crypto.createHash("sha256").update(value).digest();
}

const MAX_LISTENERS = 100;
const HEARTBEAT = 15e3;
function createLogHub() {
  const listeners = /* @__PURE__ */ new Map();
  const heartbeat = setInterval(() => {
    for (const set of listeners.values()) for (const res of set) res.write(": keep-alive\n\n");
  }, HEARTBEAT);
  heartbeat.unref();
  return {
    listening: (container) => listeners.has(container),
    publish(record) {
      const set = listeners.get(record.container);
      if (!set) return;
      const event = `data: ${JSON.stringify(record)}

`;
      for (const res of set) res.write(event);
    },
    subscribe(container, res) {
      let set = listeners.get(container);
      if (!set) listeners.set(container, set = /* @__PURE__ */ new Set());
      if (set.size >= MAX_LISTENERS) {
        res.writeHead(429, { "content-type": "application/json", "retry-after": "60" });
        return void res.end(JSON.stringify({ code: 429, error: "Too many requests.", message: `At most ${MAX_LISTENERS} log streams per container.` }));
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write(": connected\n\n");
      set.add(res);
      res.on("close", () => {
        set.delete(res);
        if (set.size === 0) listeners.delete(container);
      });
    },
    close() {
      clearInterval(heartbeat);
      for (const set of listeners.values()) for (const res of set) res.end();
      listeners.clear();
    }
  };
}

function createModuleRoutes(ctx) {
  const { auth, modules } = ctx;
  const installs = /* @__PURE__ */ new Map();
  const store = () => {
    if (!modules) throw new HttpError(501, "This server has no module store.");
    return modules;
  };
  const list = async (req, res, url) => {
    await auth.caller(req, url);
    sendJson(res, 200, await store().list());
  };
  const ensure = async (req, res, url) => {
    await auth.caller(req, url);
    const wanted = (await readJson(req, 64 * 1024)).modules;
    if (!Array.isArray(wanted) || wanted.length === 0 || wanted.length > 100) throw new HttpError(400, "The body is { modules: [{ name, version }, \u2026] } (1 to 100).");
    const answers = wanted.map((entry) => {
      const { name, version } = entry ?? {};
      if (typeof name !== "string" || typeof version !== "string" || name === "" || version === "") throw new HttpError(400, "Each module is { name, version }.");
      const spec = `${name}@${version}`;
      if (store().resolve(spec)?.version === version) return { name, version, state: "available" };
      let install = installs.get(spec);
      if (install?.state === "failed") installs.delete(spec);
      else if (!install || install.state === "available") {
        installs.set(spec, install = { state: "queued" });
        const started = install;
        store().ensure([spec]).then(([result]) => {
          started.state = result?.state ?? "failed";
          if (result?.error) started.message = result.error.message;
        }, (error) => Object.assign(started, { state: "failed", message: error.message }));
      }
      const { state, message } = install;
      return { name, version, state, ...message ? { message } : {} };
    });
    sendJson(res, 200, answers);
  };
  return [[["api", "env", "node", "modules"], { GET: list, POST: ensure }]];
}

const MAX_KEYS = 1e5;
function createRateLimiter(limit, now = Date.now) {
  if (!limit) return { take: () => void 0 };
  if (!Number.isInteger(limit.requests) || limit.requests < 1 || !(limit.seconds > 0)) {
    throw new TypeError("A rate limit needs a positive integer `requests` and a positive `seconds`.");
  }
  const windows = /* @__PURE__ */ new Map();
  const span = limit.seconds * 1e3;
  return {
    take(key) {
      const time = now();
      let window = windows.get(key);
      if (!window || time - window.start >= span) {
        if (!window && windows.size >= MAX_KEYS) windows.clear();
        windows.set(key, window = { start: time, count: 0 });
      }
      if (window.count >= limit.requests) return Math.max(1, Math.ceil((window.start + span - time) / 1e3));
      window.count++;
      return void 0;
    }
  };
}

const FETCH_TIMEOUT = 1e4;
const MAX_CODE_BYTES = 1024 * 1024;
async function fetchCode(url) {
  if (!/^https?:\/\//i.test(url)) throw new HttpError(400, `The webtask's url must be http(s): ${url}`);
  let response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT), redirect: "follow" });
  } catch (error) {
    throw new HttpError(502, `The webtask's code could not be fetched from ${url}: ${error.message}`);
  }
  if (!response.ok) throw new HttpError(502, `The webtask's code could not be fetched from ${url}: HTTP ${response.status}`);
  const length = Number(response.headers.get("content-length") ?? 0);
  if (length > MAX_CODE_BYTES) throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
  const chunks = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_CODE_BYTES) {
      await reader.cancel();
      throw new HttpError(502, `The webtask's code at ${url} is over ${MAX_CODE_BYTES} bytes.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString();
}

function createRunRoutes(ctx) {
  const { store, webtasks, executor, auth, limiter, maxBodySize } = ctx;
  const named = async (req, res, url, [container, name, rest]) => {
    limit(limiter, container);
    const record = await store.get(container, name);
    if (!record) throw new HttpError(404, `No such webtask: ${name}`);
    const webtask = await webtasks.job(record, () => store.get(container, name, { decrypt: true }));
    const storage = await webtasks.storage(container, name);
    await executor.serve({ webtask, storage, url: `/${rest}${url.search}` }, req, res);
  };
  const adhoc = async (req, res, url, [container]) => {
    limit(limiter, container);
    const caller = await auth.caller(req, url, container);
    const verified = caller.verified;
    const body = await readBytes(req, maxBodySize);
    const code = verified?.url !== void 0 ? await fetchCode(verified.url) : body.toString();
    if (code.trim() === "") throw new HttpError(400, "No code to run: send it as the request body, or use a token with a url.");
    const webtask = webtasks.adhoc(container, code, {
      params: verified?.params ?? {},
      secrets: verified?.secrets ?? {},
      pb: verified?.pb,
      mb: verified?.mb
    });
    const request = jobRequest(req, `/${url.search}`, verified?.url !== void 0 ? body : Buffer.alloc(0));
    send(res, await executor.run({ webtask, request }));
  };
  return [
    [["api", "run", ":container", ":name", "*"], { "*": named }],
    [["api", "run", ":container"], { "*": adhoc }]
  ];
}
function limit(limiter, container) {
  const wait = limiter.take(container);
  if (wait !== void 0) throw new HttpError(429, `The container ${container} is over its request limit.`, { "retry-after": String(wait) });
}
function jobRequest(req, url, body) {
  return {
    method: req.method ?? "GET",
    url,
    headers: { ...req.headers },
    body: body.length === 0 ? void 0 : new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  };
}
function send(res, result) {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}

function errorStatus(error) {
  if (error instanceof HttpError) return error.status;
  const code = error?.code;
  if (typeof code !== "string") return 500;
  switch (code) {
    case "ERR_STORAGE_USAGE":
      return 400;
    case "ERR_BODY_TOO_LARGE":
    case "ERR_STORAGE_TOO_LARGE":
      return 413;
    case "ERR_STORAGE_CONFLICT":
      return 409;
    default:
      return tokens.tokenErrorStatus(code) ?? 500;
  }
}

function webtaskUrl(base, container, name) {
  return `${base}/api/run/${encodeURIComponent(container)}/${encodeURIComponent(name)}`;
}

const MAX_CLAIMS_BODY = 64 * 1024;
function createTokenRoutes(ctx) {
  const { tokens, auth } = ctx;
  const issue = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const claims = await readJson(req, MAX_CLAIMS_BODY);
    const token = await tokens.issue(claims, caller.admin ? {} : { issuer: caller.token });
    const headers = { "content-type": "text/plain; charset=utf-8" };
    if (typeof claims.jtn === "string" && typeof claims.ten === "string") headers.location = webtaskUrl(ctx.base(req), claims.ten, claims.jtn);
    res.writeHead(200, headers).end(token);
  };
  const inspect = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const target = url.searchParams.get("token");
    if (!target) throw new HttpError(400, "Say which token: ?token=<token>.");
    const decrypt = url.searchParams.get("decrypt") === "true" || url.searchParams.get("decrypt") === "1";
    const inspected = await tokens.inspect(target, caller.admin ? { decrypt } : { decrypt, by: caller.token });
    sendJson(res, 200, { ...inspected.claims, ...inspected.secrets ? { secrets: inspected.secrets } : {} });
  };
  const revoke = async (req, res, url) => {
    const caller = await auth.caller(req, url);
    const target = url.searchParams.get("token") ?? await tokenInBody(req);
    if (!target) throw new HttpError(400, 'Say which token: ?token=<token>, or { "token": \u2026 } in the body.');
    const jti = await tokens.revoke(target, caller.admin ? {} : { by: caller.token });
    sendJson(res, 200, { jti, revoked: true });
  };
  return [
    [["api", "tokens", "issue"], { POST: issue }],
    [["api", "tokens", "inspect"], { GET: inspect }],
    [["api", "tokens", "revoke"], { POST: revoke }]
  ];
}
async function tokenInBody(req) {
  const type = String(req.headers["content-type"] ?? "");
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const value2 = node_querystring.parse((await readBytes(req, MAX_CLAIMS_BODY)).toString()).token;
    return typeof value2 === "string" ? value2 : void 0;
  }
  const value = (await readJson(req, MAX_CLAIMS_BODY)).token;
  return typeof value === "string" ? value : void 0;
}

const MAX_CODE_SIZE = 100 * 1024;
const MAX_DATA_SIZE = 500 * 1024;
const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1e3;

const MAX_PUT_BODY = MAX_CODE_SIZE + 64 * 1024;
function createWebtaskRoutes(ctx) {
  const { store, auth, webtasks } = ctx;
  const summary = (req, record) => ({
    container: record.container,
    name: record.name,
    meta: record.meta,
    webtask_url: webtaskUrl(ctx.base(req), record.container, record.name)
  });
  const put = async (req, res, url, [container, name]) => {
    await auth.manager(req, url, container);
    const body = await readJson(req, MAX_PUT_BODY);
    const input = webtaskInput(body);
    if (input.code !== void 0 && ctx.modules) await installModules(input.code, ctx.modules);
    const record = await store.put(container, name, input);
    webtasks.forget(container, name);
    const answer = summary(req, record);
    sendJson(res, 200, answer, { location: answer.webtask_url });
  };
  const get = async (req, res, url, [container, name]) => {
    await auth.manager(req, url, container);
    const decrypt = flag(url, "decrypt");
    const record = found(await store.get(container, name, { decrypt }), name);
    const answer = { ...summary(req, record), created_at: record.created_at, updated_at: record.updated_at, secret_names: record.secret_names };
    if (record.url !== void 0) answer.url = record.url;
    if (decrypt) answer.secrets = record.secrets ?? {};
    if (flag(url, "fetch_code") && record.code !== void 0) answer.code = record.code;
    sendJson(res, 200, answer);
  };
  const remove = async (req, res, url, [container, name]) => {
    await auth.manager(req, url, container);
    if (!await store.delete(container, name)) throw new HttpError(404, `No such webtask: ${name}`);
    webtasks.forget(container, name);
    res.writeHead(204).end();
  };
  const list = async (req, res, url, [container]) => {
    await auth.manager(req, url, container);
    const meta = url.searchParams.getAll("meta").map((filter) => {
      const colon = filter.indexOf(":");
      if (colon <= 0) throw new HttpError(400, `A meta filter is key:value, not '${filter}'.`);
      return [filter.slice(0, colon), filter.slice(colon + 1)];
    });
    const records = await store.list(container, { meta, offset: integer(url, "offset"), limit: integer(url, "limit") });
    sendJson(res, 200, records.map((record) => summary(req, record)));
  };
  const readData = async (req, res, url, [container, name]) => {
    await auth.manager(req, url, container);
    sendJson(res, 200, found(await store.readData(container, name), name));
  };
  const writeData = async (req, res, url, [container, name]) => {
    await auth.manager(req, url, container);
    const body = await readJson(req, 600 * 1024);
    if (!("data" in body)) throw new HttpError(400, "The request body is { data, etag? }.");
    const etag = body.etag;
    if (etag !== void 0 && etag !== null && typeof etag !== "string") throw new HttpError(400, "etag must be a string or null.");
    const written = found(await store.writeData(container, name, body.data, { etag }), name);
    webtasks.forget(container, name);
    sendJson(res, 200, written);
  };
  const logs = async (req, res, url, [container]) => {
    await auth.manager(req, url, container);
    ctx.hub.subscribe(container, res);
  };
  return [
    [["api", "logs", "tenant", ":container"], { GET: logs }],
    [["api", "webtask", ":container", ":name", "data"], { GET: readData, PUT: writeData }],
    [["api", "webtask", ":container", ":name"], { PUT: put, GET: get, DELETE: remove }],
    [["api", "webtask", ":container"], { GET: list }]
  ];
}
async function installModules(code, modules$1) {
  try {
    await modules.prepare(code, { store: modules$1, install: true });
  } catch (error) {
    const { code: errorCode, message } = error;
    if (errorCode === "ERR_COMPILE_SYNTAX") return;
    throw new HttpError(400, `The webtask's modules cannot be installed: ${message}`);
  }
}
function webtaskInput(body) {
  const { code, url, secrets, meta } = body;
  if (code === void 0 === (url === void 0)) throw new HttpError(400, "Either the code or url option can be specified, but not both.");
  if (code !== void 0 && typeof code !== "string") throw new HttpError(400, "code must be a string.");
  if (url !== void 0 && (typeof url !== "string" || !/^https?:\/\//i.test(url))) throw new HttpError(400, "url must be an http(s) URL.");
  if (typeof code === "string" && Buffer.byteLength(code) > MAX_CODE_SIZE) throw new HttpError(413, `The code exceeds ${MAX_CODE_SIZE} bytes.`);
  return { code, url, secrets: strings(secrets, "secrets"), meta: strings(meta, "meta") };
}
function strings(value, name) {
  if (value === void 0 || value === null) return void 0;
  if (typeof value !== "object" || Array.isArray(value) || Object.values(value).some((field) => typeof field !== "string")) {
    throw new HttpError(400, `${name} must be an object of strings.`);
  }
  return value;
}
function found(value, name) {
  if (value === void 0) throw new HttpError(404, `No such webtask: ${name}`);
  return value;
}
function flag(url, name) {
  const value = url.searchParams.get(name);
  return value === "true" || value === "1";
}
function integer(url, name) {
  const value = url.searchParams.get(name);
  if (value === null) return void 0;
  if (!/^\d{1,9}$/.test(value)) throw new HttpError(400, `${name} must be a non-negative integer.`);
  return Number(value);
}

const MAX_CACHED = 1e4;
function createWebtasks(store, settings) {
  const jobs = /* @__PURE__ */ new Map();
  const storages = /* @__PURE__ */ new Map();
  const places = /* @__PURE__ */ new Map();
  const key = (container, name) => `${container}\0${name}`;
  const bounded = (map, k, value) => {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value);
    map.set(k, value);
    return value;
  };
  return {
    job(current, decrypted) {
      const k = key(current.container, current.name);
      const known = jobs.get(k);
      if (known?.version === current.version) return known.webtask;
      const webtask = decrypted().then(async (record) => {
        if (!record) throw new HttpError(404, `No such webtask: ${current.name}`);
        const code = record.code ?? await fetchCode(record.url);
        const id = JSON.stringify(["webtask", record.container, record.name, record.version]);
        return runtime.createJobWebtask(id, code, {
          meta: { ...record.meta },
          secrets: { ...record.secrets },
          container: record.container,
          timeout: settings.timeout,
          maxBodySize: settings.maxBodySize,
          modulesRoot: settings.modulesRoot,
          serverTiming: true
        });
      });
      webtask.catch(() => {
        if (jobs.get(k)?.webtask === webtask) jobs.delete(k);
      });
      return bounded(jobs, k, { version: current.version, webtask }).webtask;
    },
    adhoc(container, code, { params, secrets, pb, mb }) {
      const digest = node_crypto.createHash("sha256").update(JSON.stringify([container, code, params, secrets, pb ?? null, mb ?? null])).digest("hex");
      const id = JSON.stringify(["adhoc", container, digest]);
      const { timeout, maxBodySize, modulesRoot } = settings;
      return runtime.createJobWebtask(id, code, { params, secrets, container, parseBody: pb, mergeBody: mb === 1, timeout, maxBodySize, modulesRoot, serverTiming: true });
    },
    storage(container, name) {
      const k = key(container, name);
      const known = storages.get(k);
      if (known) return known;
      const loaded = store.readData(container, name).then(
        (stored) => runtime.createStorage({
          initialData: stored?.data ?? void 0,
          save: async (json) => {
            await store.writeData(container, name, json === void 0 ? null : JSON.parse(json), { force: true });
          }
        })
      );
      loaded.catch(() => storages.delete(k));
      return bounded(storages, k, loaded);
    },
    forget(container, name) {
      jobs.delete(key(container, name));
      storages.delete(key(container, name));
    },
    identify(id) {
      let where = places.get(id);
      if (where === void 0) {
        try {
          const [kind, container, name] = JSON.parse(id);
          where = { container, name: kind === "webtask" ? name : void 0 };
        } catch {
          return void 0;
        }
        bounded(places, id, where);
      }
      return where;
    }
  };
}

const DEFAULT_TIMEOUT = 2e4;
const DEFAULT_MAX_BODY = 1024 * 1024;
function createWebtaskServer(options) {
  const { store, tokens, adminToken } = checkOptions(options);
  const logger = options.logger ?? console;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  const maxBodySize = options.maxBodySize ?? DEFAULT_MAX_BODY;
  const hub = createLogHub();
  const webtasks = createWebtasks(store, { timeout, maxBodySize, modulesRoot: options.modules?.root });
  const owned = options.executor === void 0;
  const executor = options.executor ?? runtime.createExecutor({
    sandbox: options.sandbox ?? "worker",
    size: options.workers,
    memoryLimit: options.memoryLimit,
    timeout,
    logger: { info: () => {
    }, warn: () => {
    }, error: (...args) => logger.error(...args) },
    // Lines and timings are followed only for containers someone streams.
    logWanted: (webtask) => {
      const where = webtasks.identify(webtask.id);
      return where !== void 0 && hub.listening(where.container);
    },
    onLog: (entry) => {
      const where = entry.webtask === void 0 ? void 0 : webtasks.identify(entry.webtask);
      if (!where) return;
      hub.publish({ time: entry.time, level: entry.level, container: where.container, name: where.name, req_id: entry.requestId, msg: entry.message, ...entry.timing ? { timing: entry.timing } : {} });
    }
  });
  const auth = createAuthenticator(tokens, adminToken);
  const base = (req) => options.publicUrl?.replace(/\/+$/, "") ?? `http://${req.headers.host ?? "localhost"}`;
  const context = { store, tokens, auth, webtasks, executor, hub, base, maxBodySize, modules: options.modules };
  const routes = [
    ...createWebtaskRoutes(context),
    ...createRunRoutes({ ...context, limiter: createRateLimiter(options.rateLimit) }),
    ...createTokenRoutes(context),
    ...createModuleRoutes({ auth, modules: options.modules })
  ];
  const server = node_http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      const status = errorStatus(error);
      if (status === 500) logger.error("ext-compilers server: request failed:", describe(error));
      const http = error instanceof HttpError ? error : new HttpError(status, status === 500 ? "Internal server error." : error.message);
      if (!res.headersSent) sendError(res, http);
      else res.end();
    });
  });
  async function handle(req, res) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const segments = pathSegments(url.pathname);
    if (segments.length === 0 && req.method === "GET") return sendJson(res, 200, { name: "ext-compilers", api: "/api" });
    for (const [prefix, methods] of routes) {
      const params = match(prefix, segments);
      if (!params) continue;
      const handler = methods[req.method ?? "GET"] ?? methods["*"];
      if (!handler) throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}.`, { allow: Object.keys(methods).join(", ") });
      return handler(req, res, url, params);
    }
    throw new HttpError(404, `No route for ${req.method} ${url.pathname}.`);
  }
  server.on("close", () => {
    hub.close();
    if (owned) void executor.close();
  });
  return server;
}
function match(prefix, segments) {
  const rest = prefix[prefix.length - 1] === "*";
  const fixed = rest ? prefix.length - 1 : prefix.length;
  if (segments.length < fixed || !rest && segments.length !== fixed) return void 0;
  const params = [];
  for (let i = 0; i < fixed; i++) {
    if (prefix[i].startsWith(":")) params.push(segments[i]);
    else if (prefix[i] !== segments[i]) return void 0;
  }
  if (rest) params.push(segments.slice(fixed).join("/"));
  return params;
}
function pathSegments(pathname) {
  try {
    return pathname.split("/").filter(Boolean).map((segment) => decodeURIComponent(segment));
  } catch {
    throw new HttpError(400, "The path is not valid percent-encoding.");
  }
}
function checkOptions(options) {
  if (typeof options !== "object" || options === null) throw new TypeError("createWebtaskServer needs { store, tokens, adminToken }.");
  if (typeof options.store?.get !== "function") throw new TypeError("createWebtaskServer: `store` must be a WebtaskStore.");
  if (typeof options.tokens?.verify !== "function") throw new TypeError("createWebtaskServer: `tokens` must be a TokenService.");
  if (typeof options.adminToken !== "string" || options.adminToken.length < 32) throw new TypeError("createWebtaskServer: `adminToken` must be a string of at least 32 characters.");
  return options;
}
function describe(error) {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const JTI = /^[0-9a-f]{32}$/;
async function openRevocationFile(file) {
  await promises.mkdir(node_path.dirname(file), { recursive: true, mode: 448 });
  const revoked = /* @__PURE__ */ new Set();
  try {
    for (const line of (await promises.readFile(file, "utf8")).split("\n")) if (JTI.test(line)) revoked.add(line);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
  let writing = Promise.resolve();
  return {
    async isRevoked(jtis) {
      return jtis.some((jti) => revoked.has(jti));
    },
    revoke(jti) {
      if (!JTI.test(jti)) return Promise.reject(new TypeError("A jti is 32 hex characters."));
      if (revoked.has(jti)) return writing;
      revoked.add(jti);
      const write = async () => {
        await promises.appendFile(file, `${jti}
`, { mode: 384 });
        const handle = await promises.open(file, "r");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      };
      writing = writing.then(write, write);
      return writing;
    }
  };
}

const FILE_MODE = 384;
const DIRECTORY_MODE = 448;
const TEMPORARY = /^.+\.(\d+)\.[0-9a-f]+\.tmp$/;
function temporaryFor(file) {
  return node_path.join(node_path.dirname(file), `${node_path.basename(file)}.${process.pid}.${node_crypto.randomBytes(6).toString("hex")}.tmp`);
}
async function writeNewFile(file, content) {
  const handle = await promises.open(file, "wx", FILE_MODE);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
async function replaceFile(file, content) {
  const temporary = temporaryFor(file);
  try {
    await writeNewFile(temporary, content);
    await promises.rename(temporary, file);
  } catch (error) {
    await promises.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(node_path.dirname(file));
}
async function removeFile(file) {
  await promises.rm(file, { force: true });
  await syncDirectory(node_path.dirname(file));
}
async function syncDirectory(directory) {
  let handle;
  try {
    handle = await promises.open(directory, "r");
    await handle.sync();
  } catch {
  } finally {
    await handle?.close();
  }
}
async function sweepTemporary(directory) {
  const entries = await promises.readdir(directory).catch(() => []);
  await Promise.all(entries.map(async (entry) => {
    const pid = TEMPORARY.exec(entry)?.[1];
    if (pid !== void 0 && !running(Number(pid))) await promises.rm(node_path.join(directory, entry), { force: true });
  }));
}
function running(pid) {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

const NAME = /^[-a-z0-9._~!$+=:@]{1,64}$/i;
function usage(message, details) {
  return new core.ExtCompilersError("ERR_STORAGE_USAGE", message, { details });
}
function checkName(field, value) {
  if (typeof value !== "string" || !NAME.test(value) || value === "." || value === "..") {
    throw usage(`Invalid ${field} ${JSON.stringify(value)}: 1 to 64 of a-z, 0-9 and -._~!$+=:@`, { field, value });
  }
  return value;
}
function checkInput(input) {
  if (typeof input !== "object" || input === null) throw usage("A webtask is an object with code or url", { field: "input" });
  const { code, url } = input;
  if (code !== void 0 && url !== void 0) throw usage("Either the code or url option can be specified, but not both", { field: "code" });
  if (code === void 0 && url === void 0) throw usage("A webtask needs code or a url", { field: "code" });
  if (code !== void 0) checkCode(code);
  if (url !== void 0 && !isHttpUrl(url)) throw usage("A webtask url must be an http(s) URL", { field: "url" });
  return { code, url, secrets: stringMap("secrets", input.secrets), meta: stringMap("meta", input.meta) };
}
function checkCode(code) {
  if (typeof code !== "string") throw usage("A webtask code must be a string", { field: "code" });
  const size = Buffer.byteLength(code);
  if (size > MAX_CODE_SIZE) {
    throw new core.ExtCompilersError("ERR_BODY_TOO_LARGE", `Webtask code of ${size} bytes exceeds the limit of ${MAX_CODE_SIZE} bytes`, {
      details: { limit: MAX_CODE_SIZE, size }
    });
  }
}
function isHttpUrl(value) {
  if (typeof value !== "string") return false;
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}
function stringMap(field, value) {
  if (value === void 0) return Object.freeze({});
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw usage(`${field} must be an object of strings`, { field });
  const entries = Object.entries(value);
  for (const [key, item] of entries) {
    if (key === "" || typeof item !== "string") throw usage(`${field}.${key} must be a string under a non-empty key`, { field, key });
  }
  return Object.freeze(Object.fromEntries(entries));
}
function checkGet(options) {
  if (options === void 0) return false;
  if (typeof options !== "object" || options === null) throw usage("get() options must be an object", { field: "options" });
  if (options.decrypt !== void 0 && typeof options.decrypt !== "boolean") throw usage("decrypt must be a boolean", { field: "decrypt" });
  return options.decrypt === true;
}
function checkList(options) {
  const { meta = [], offset = 0, limit = DEFAULT_LIST_LIMIT } = options ?? {};
  if (!Array.isArray(meta) || !meta.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === "string"))) {
    throw usage("meta filters are [key, value] pairs of strings", { field: "meta" });
  }
  if (!Number.isSafeInteger(offset) || offset < 0) throw usage("offset must be a non-negative integer", { field: "offset", value: offset });
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw usage(`limit must be an integer from 1 to ${MAX_LIST_LIMIT}`, { field: "limit", value: limit });
  }
  return { meta, offset, limit };
}
function checkWriteData(options) {
  const { etag, force } = options ?? {};
  if (etag !== void 0 && etag !== null && typeof etag !== "string") throw usage("etag must be a string or null", { field: "etag" });
  if (force !== void 0 && typeof force !== "boolean") throw usage("force must be a boolean", { field: "force" });
  return { etag, force };
}
function matchesMeta(meta, filters) {
  return filters.every(([key, value]) => Object.hasOwn(meta, key) && meta[key] === value);
}

const KEY_SIZE = 32;
const IV_SIZE = 12;
const TAG_SIZE = 16;
const plainVault = {
  seal: (values) => Object.freeze({ ...values }),
  open: (sealed) => ({ ...sealed })
};
function createAesVault(key) {
  if (key.length !== KEY_SIZE) throw new RangeError(`An AES-256 key has ${KEY_SIZE} bytes`);
  return {
    seal: (values, context) => sealText(key, JSON.stringify(values), context),
    open: (sealed, context) => JSON.parse(openText(key, sealed, context))
  };
}
function sealText(key, text, context) {
  const iv = node_crypto.randomBytes(IV_SIZE);
  const cipher = node_crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(text), cipher.final()]);
  return { alg: "A256GCM", iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), ciphertext: ciphertext.toString("base64") };
}
function openText(key, sealed, context) {
  const { iv, tag, ciphertext } = parseSealed(sealed);
  const decipher = node_crypto.createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_SIZE });
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
}
function parseSealed(sealed) {
  const value = typeof sealed === "object" && sealed !== null ? sealed : {};
  if (value.alg !== "A256GCM" || typeof value.iv !== "string" || typeof value.tag !== "string" || typeof value.ciphertext !== "string") {
    throw new Error("not an A256GCM envelope");
  }
  const iv = Buffer.from(value.iv, "base64");
  const tag = Buffer.from(value.tag, "base64");
  if (iv.length !== IV_SIZE || tag.length !== TAG_SIZE) throw new Error("bad IV or tag length");
  return { iv, tag, ciphertext: Buffer.from(value.ciphertext, "base64") };
}

const WEBTASKS_DIRECTORY = "webtasks";
const DATA_DIRECTORY = "data";
const FORMAT = 2;
const FILE = /^[0-9a-f]{64}\.json$/;
const BATCH = 64;
function fileName(container, name) {
  return `${node_crypto.createHash("sha256").update(JSON.stringify([container, name])).digest("hex")}.json`;
}
function sealFile(key, text, file) {
  return `${JSON.stringify({ format: FORMAT, sealed: sealText(key, text, node_path.basename(file)) })}
`;
}
function openFile(key, content, file) {
  const value = JSON.parse(content);
  if (value.format !== FORMAT) throw new Error(`format ${JSON.stringify(value.format)}`);
  try {
    return openText(key, value.sealed, node_path.basename(file));
  } catch (error) {
    throw new Error("it cannot be decrypted: it was altered, or the key is not the one it was encrypted with", { cause: error });
  }
}
function createDiskBackend(directory, key) {
  const webtaskFile = (container, name) => node_path.join(directory, WEBTASKS_DIRECTORY, fileName(container, name));
  const dataFile = (container, name) => node_path.join(directory, DATA_DIRECTORY, fileName(container, name));
  return {
    saveWebtask: (webtask) => {
      const file = webtaskFile(webtask.container, webtask.name);
      return replaceFile(file, sealFile(key, JSON.stringify(webtask), file));
    },
    async removeWebtask(container, name) {
      await removeFile(dataFile(container, name));
      await removeFile(webtaskFile(container, name));
    },
    async readData(container, name) {
      const file = dataFile(container, name);
      let content;
      try {
        content = await promises.readFile(file, "utf8");
      } catch (error) {
        if (error.code === "ENOENT") return void 0;
        throw error;
      }
      try {
        return openFile(key, content, file);
      } catch (error) {
        throw new Error(`${file} is not a storage document of this store (${error.message}): restore it from a backup or remove it`, { cause: error });
      }
    },
    saveData: (container, name, json) => {
      const file = dataFile(container, name);
      return json === void 0 ? removeFile(file) : replaceFile(file, sealFile(key, json, file));
    },
    close: async () => {
    }
  };
}
async function loadWebtasks(directory, key) {
  const files = (await promises.readdir(node_path.join(directory, WEBTASKS_DIRECTORY))).filter((file) => FILE.test(file));
  const webtasks = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH).map(async (file) => {
      const path = node_path.join(directory, WEBTASKS_DIRECTORY, file);
      return parseWebtask(key, await promises.readFile(path, "utf8"), file, path);
    });
    webtasks.push(...await Promise.all(batch));
  }
  return webtasks;
}
async function removeOrphanData(directory, webtasks) {
  const owned = new Set(webtasks.map((webtask) => fileName(webtask.container, webtask.name)));
  const files = await promises.readdir(node_path.join(directory, DATA_DIRECTORY));
  for (const file of files) {
    if (FILE.test(file) && !owned.has(file)) await removeFile(node_path.join(directory, DATA_DIRECTORY, file));
  }
}
function parseWebtask(key, content, file, path) {
  try {
    const value = JSON.parse(openFile(key, content, path));
    const container = checkName("container", value.container);
    const name = checkName("name", value.name);
    if (fileName(container, name) !== file) throw new Error(`it names ${container}/${name}`);
    const { code, url, meta } = checkInput({ code: value.code, url: value.url, meta: value.meta });
    const names = value.secret_names;
    if (!Array.isArray(names) || !names.every((item) => typeof item === "string")) throw new Error("secret_names");
    if (names.length === 0 !== (value.secrets === void 0)) throw new Error("secrets");
    const times = [value.version, value.created_at, value.updated_at];
    if (!times.every((item) => typeof item === "string")) throw new Error("version or times");
    const [version, created_at, updated_at] = times;
    return { container, name, code, url, meta, secret_names: Object.freeze(names), secrets: value.secrets, version, created_at, updated_at };
  } catch (error) {
    throw new Error(`${path} is not a webtask of this store (${error.message}): restore it from a backup or remove it`, { cause: error });
  }
}

function etagOf(json) {
  return json === void 0 ? null : node_crypto.createHash("sha1").update(json).digest("base64");
}
function toStoredData(json) {
  return { data: json === void 0 ? null : JSON.parse(json), etag: etagOf(json) };
}
function serializeData(data) {
  if (data === void 0 || data === null) return void 0;
  let json;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new core.ExtCompilersError("ERR_STORAGE_USAGE", "Storage data must be serializable as JSON", { cause: error, details: { field: "data" } });
  }
  if (json === void 0) throw new core.ExtCompilersError("ERR_STORAGE_USAGE", "Storage data must be serializable as JSON", { details: { field: "data" } });
  const size = Buffer.byteLength(json);
  if (size > MAX_DATA_SIZE) {
    throw new core.ExtCompilersError("ERR_STORAGE_TOO_LARGE", `Storage data of ${size} bytes exceeds the limit of ${MAX_DATA_SIZE} bytes`, {
      details: { limit: MAX_DATA_SIZE, size }
    });
  }
  return json;
}
function checkEtag(current, options) {
  if (options.force === true || options.etag === void 0) return;
  const stored = toStoredData(current);
  if (options.etag === stored.etag) return;
  throw new core.ExtCompilersError("ERR_STORAGE_CONFLICT", "Item was modified since it was read.", {
    details: { conflict: stored.data, etag: stored.etag, expected: options.etag }
  });
}

function createSerial() {
  const tails = /* @__PURE__ */ new Map();
  return {
    run(key, task) {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.catch(() => void 0);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    async idle() {
      while (tails.size > 0) await Promise.all(tails.values());
    }
  };
}

function createIndexedStore(parts) {
  const { backend, vault } = parts;
  const index = /* @__PURE__ */ new Map();
  const serial = createSerial();
  let closed = false;
  const entryOf = (container, name) => index.get(container)?.byName.get(name);
  const ready = () => {
    if (closed) throw new core.ExtCompilersError("ERR_STORAGE_USAGE", "The webtask store is closed", { details: { field: "store" } });
  };
  const checked = (container, name) => {
    ready();
    return JSON.stringify([checkName("container", container), checkName("name", name)]);
  };
  for (const webtask of parts.webtasks) setEntry(index, webtask);
  return {
    async put(container, name, input) {
      const key = checked(container, name);
      const content = checkInput(input);
      return serial.run(key, async () => {
        const webtask = sealWebtask(vault, container, name, content, entryOf(container, name)?.stored);
        await backend.saveWebtask(webtask);
        return setEntry(index, webtask).record;
      });
    },
    async get(container, name, options) {
      checked(container, name);
      const decrypt = checkGet(options);
      const entry = entryOf(container, name);
      if (entry === void 0) return void 0;
      return decrypt ? reveal(vault, entry) : entry.record;
    },
    async delete(container, name) {
      return serial.run(checked(container, name), async () => {
        if (entryOf(container, name) === void 0) return false;
        await backend.removeWebtask(container, name);
        removeEntry(index, container, name);
        return true;
      });
    },
    async list(container, options) {
      ready();
      checkName("container", container);
      const { meta, offset, limit } = checkList(options);
      const entries = sortedEntries(index.get(container));
      const matching = meta.length === 0 ? entries : entries.filter((entry) => matchesMeta(entry.stored.meta, meta));
      return matching.slice(offset, offset + limit).map((entry) => entry.record);
    },
    async containers() {
      ready();
      return [...index.keys()].sort(compareNames);
    },
    async readData(container, name) {
      checked(container, name);
      if (entryOf(container, name) === void 0) return void 0;
      return toStoredData(await backend.readData(container, name));
    },
    async writeData(container, name, data, options) {
      const key = checked(container, name);
      const settings = checkWriteData(options);
      const json = serializeData(data);
      return serial.run(key, async () => {
        if (entryOf(container, name) === void 0) return void 0;
        checkEtag(await backend.readData(container, name), settings);
        await backend.saveData(container, name, json);
        return toStoredData(json);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await serial.idle();
      await backend.close();
    }
  };
}
function compareNames(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function secretsContext(container, name, names) {
  return JSON.stringify(["ext-compilers/webtask-secrets/1", container, name, names]);
}
function sealWebtask(vault, container, name, content, previous) {
  const names = Object.freeze(Object.keys(content.secrets).sort(compareNames));
  const now = (/* @__PURE__ */ new Date()).toISOString();
  return {
    container,
    name,
    code: content.code,
    url: content.url,
    meta: content.meta,
    secret_names: names,
    secrets: names.length === 0 ? void 0 : vault.seal(content.secrets, secretsContext(container, name, names)),
    version: node_crypto.randomUUID(),
    created_at: previous?.created_at ?? now,
    updated_at: now
  };
}
function reveal(vault, entry) {
  const { container, name, secret_names: names, secrets: sealed } = entry.stored;
  if (names.length === 0) return { ...entry.record, secrets: Object.freeze({}) };
  let values;
  let cause;
  try {
    values = vault.open(sealed, secretsContext(container, name, names));
  } catch (error) {
    cause = error;
  }
  if (values === void 0 || !sameNames(values, names)) {
    throw new Error(`The secrets of webtask ${container}/${name} cannot be decrypted: they were altered, or the key is not the one they were encrypted with`, {
      cause
    });
  }
  return { ...entry.record, secrets: Object.freeze(values) };
}
function sameNames(values, names) {
  const keys = Object.keys(values).sort(compareNames);
  return keys.length === names.length && keys.every((key, i) => key === names[i] && typeof values[key] === "string");
}
function toRecord(webtask) {
  const { container, name, code, url, meta, secret_names, version, created_at, updated_at } = webtask;
  const source = code !== void 0 ? { code } : { url };
  return Object.freeze({ container, name, ...source, meta, secret_names, version, created_at, updated_at });
}
function setEntry(index, webtask) {
  let container = index.get(webtask.container);
  if (container === void 0) {
    container = { byName: /* @__PURE__ */ new Map(), sorted: void 0 };
    index.set(webtask.container, container);
  }
  const entry = { stored: webtask, record: toRecord(webtask) };
  container.byName.set(webtask.name, entry);
  container.sorted = void 0;
  return entry;
}
function removeEntry(index, container, name) {
  const entries = index.get(container);
  if (entries === void 0) return;
  entries.byName.delete(name);
  entries.sorted = void 0;
  if (entries.byName.size === 0) index.delete(container);
}
function sortedEntries(container) {
  if (container === void 0) return [];
  container.sorted ??= [...container.byName.values()].sort((a, b) => compareNames(a.stored.name, b.stored.name));
  return container.sorted;
}

const KEY_FILE = "secret.key";
function loadKey(directory) {
  return loadSecretFile(directory, KEY_FILE, () => node_crypto.randomBytes(KEY_SIZE), (key, file) => {
    if (key.length !== KEY_SIZE) {
      throw new Error(`${file} holds ${key.length} bytes, not the ${KEY_SIZE} of the store's key: restore the original file (secrets cannot be read with another key)`);
    }
  });
}
async function loadSecretFile(directory, name, make, check) {
  const file = node_path.join(directory, name);
  const existing = await readSecret(file, check);
  if (existing !== void 0) return existing;
  const temporary = temporaryFor(file);
  try {
    await writeNewFile(temporary, make());
    await promises.link(temporary, file).catch((error) => {
      if (error.code !== "EEXIST") throw error;
    });
  } finally {
    await promises.rm(temporary, { force: true });
  }
  await syncDirectory(directory);
  return await readSecret(file, check);
}
async function readSecret(file, check) {
  let key;
  try {
    key = await promises.readFile(file);
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
  check(key, file);
  return key;
}

async function createEmbeddedStore(options) {
  if (typeof options !== "object" || options === null) throw new TypeError("createEmbeddedStore() takes an options object");
  if (typeof options.directory !== "string" || options.directory === "") throw new TypeError("options.directory must be a directory path");
  const directory = node_path.resolve(options.directory);
  const folders = [directory, node_path.join(directory, WEBTASKS_DIRECTORY), node_path.join(directory, DATA_DIRECTORY)];
  for (const folder of folders) {
    await promises.mkdir(folder, { recursive: true, mode: DIRECTORY_MODE });
    await syncDirectory(node_path.dirname(folder));
    await sweepTemporary(folder);
  }
  const key = await loadKey(directory);
  const vault = createAesVault(key);
  const webtasks = await loadWebtasks(directory, key);
  await removeOrphanData(directory, webtasks);
  return createIndexedStore({ webtasks, backend: createDiskBackend(directory, key), vault });
}

const ADMIN_TOKEN_FILE = "admin-token";
const TOKEN_KEYS_FILE = "token.keys";
const KEY_BYTES = 32;
async function openServer(options) {
  if (typeof options?.data !== "string" || options.data === "") throw new TypeError("openServer: `data` must be a directory path");
  const data = node_path.resolve(options.data);
  await promises.mkdir(data, { recursive: true, mode: 448 });
  let created = false;
  const keys = await loadSecretFile(data, TOKEN_KEYS_FILE, () => (created = true, node_crypto.randomBytes(2 * KEY_BYTES)), (content, file) => {
    if (content.length !== 2 * KEY_BYTES) throw new Error(`${file} holds ${content.length} bytes, not ${2 * KEY_BYTES}: restore the original file (tokens cannot be verified with other keys)`);
  });
  const admin = await loadSecretFile(data, ADMIN_TOKEN_FILE, () => Buffer.from(`ecadm_${node_crypto.randomBytes(32).toString("base64url")}
`), (content, file) => {
    if (!/^ecadm_[\w-]{43}\n?$/.test(content.toString())) throw new Error(`${file} does not hold an admin token: remove it to make a new one`);
  });
  const tokens$1 = tokens.createTokenService({
    signingKey: keys.subarray(0, KEY_BYTES),
    encryptionKey: keys.subarray(KEY_BYTES),
    revocations: await openRevocationFile(node_path.join(data, "revoked"))
  });
  const store = await createEmbeddedStore({ directory: node_path.join(data, "store") });
  const modules$1 = options.modules === false ? void 0 : modules.createModuleStore({ root: node_path.join(data, "modules") });
  const adminToken = admin.toString().trim();
  const server = createWebtaskServer({ ...options, store, tokens: tokens$1, adminToken, modules: modules$1 });
  return {
    server,
    adminToken,
    adminTokenFile: node_path.join(data, ADMIN_TOKEN_FILE),
    created,
    store,
    tokens: tokens$1,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(() => done()));
      await store.close();
    }
  };
}

function createMemoryStore() {
  const data = /* @__PURE__ */ new Map();
  const keyOf = (container, name) => JSON.stringify([container, name]);
  const backend = {
    saveWebtask: async () => {
    },
    removeWebtask: async (container, name) => {
      data.delete(keyOf(container, name));
    },
    readData: async (container, name) => data.get(keyOf(container, name)),
    saveData: async (container, name, json) => {
      if (json === void 0) data.delete(keyOf(container, name));
      else data.set(keyOf(container, name), json);
    },
    close: async () => {
    }
  };
  return createIndexedStore({ webtasks: [], backend, vault: plainVault });
}

exports.ADMIN_TOKEN_FILE = ADMIN_TOKEN_FILE;
exports.DEFAULT_LIST_LIMIT = DEFAULT_LIST_LIMIT;
exports.MAX_CODE_SIZE = MAX_CODE_SIZE;
exports.MAX_DATA_SIZE = MAX_DATA_SIZE;
exports.MAX_LIST_LIMIT = MAX_LIST_LIMIT;
exports.createEmbeddedStore = createEmbeddedStore;
exports.createMemoryStore = createMemoryStore;
exports.createWebtaskServer = createWebtaskServer;
exports.openServer = openServer;
//# sourceMappingURL=index.cjs.map
