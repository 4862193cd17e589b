import { WebtaskFunction, NodejsCompiler } from '@ext-compilers/core';
import { ModuleStore } from '@ext-compilers/modules';
import { IncomingMessage, ServerResponse, Server } from 'node:http';

/** webtask-runtime's `installModules(specs, cb)`: install what `'use npm'` code requires and call back. */
type InstallModules = (specs: string[], cb: (error?: Error | null) => void) => void;
/** webtask-runtime's logger: `info`, `warn` and `error`, each like `console`'s. */
interface Logger$1 {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
}

/** Limits on downloading a `wt-compiler` URL. */
interface FetchLimits {
    /** Milliseconds for the whole download, body included. Default 5000. */
    timeout?: number | undefined;
    /** Largest accepted body, in bytes. Default 1 MiB. */
    maxSize?: number | undefined;
}

/** Options of `compile()`: the platform's, then webtask-runtime's, then ours. */
interface CompileOptions {
    /** Webtask metadata; `meta['wt-compiler']` picks the compiler. */
    meta?: Record<string, string | undefined> | undefined;
    /** Handed to the compiler and to `module.webtask`; they enter the cache key only through its hash. */
    secrets?: Record<string, string | undefined> | undefined;
    /** Part of the default `module.webtask`. */
    params?: Record<string, unknown> | undefined;
    /** A module store (`createModuleStore`) for `'use npm'`: versioned requires are installed into it and loaded from it. */
    modules?: ModuleStore | undefined;
    /** The directory the code appears to run in. Default `process.cwd()`. */
    dirname?: string | undefined;
    /** The code's file name. Default `webtask.js`. */
    filename?: string | undefined;
    /** Directories searched after the node_modules hierarchy of `dirname`. */
    extraModulePaths?: readonly string[] | undefined;
    /** `module.webtask` while the code loads. Default `{ meta, params, secrets }`. */
    webtaskApi?: unknown;
    /** Without `modules`: called once with the specs `'use npm'` code is missing (webtask-runtime's hook). */
    installModules?: InstallModules | undefined;
    /** Where the `'use npm'` notices go. Default `console`. */
    logger?: Logger$1 | undefined;
    /** `false`, or the bound of the process-wide cache to use. Default `{ max: 1000 }`. */
    cache?: false | {
        max?: number | undefined;
    } | undefined;
    /** Limits on fetching a URL `wt-compiler`. Default `{ timeout: 5000, maxSize: 1048576 }`. */
    compilerFetch?: FetchLimits | undefined;
    /** How long a `wt-compiler` may take to call back, in ms (default 10000; 0 for no limit): past it, the compile fails with `ERR_COMPILE_TIMEOUT`. */
    compileTimeout?: number | undefined;
}
/** The callback of the callback form. */
type CompileCallback = (error: Error | null, fn?: WebtaskFunction) => void;
/**
 * Compile webtask code to its webtask function: `'use npm'` first, then the compiler the
 * metadata's `wt-compiler` names, or the Node compiler and webtask-runtime's arity check.
 * Results are cached by a hash of everything that can change them.
 */
declare function compile(code: string, options?: CompileOptions): Promise<WebtaskFunction>;
declare function compile(code: string, cb: CompileCallback): void;
declare function compile(code: string, options: CompileOptions | undefined, cb: CompileCallback): void;

/** One stored JSON document, shared by every handle (every request) of a webtask. */
interface StorageDocument {
    /** The stored JSON text, `undefined` when empty. */
    json: string | undefined;
    /** The etag of `json`, `null` when empty. */
    etag: string | null;
    /** Where the document is persisted, if anywhere: its JSON text (`undefined` when cleared). */
    save: ((json: string | undefined) => Promise<void>) | undefined;
    /** The write in progress, so writes land in the order they were made. */
    writing: Promise<void>;
}

/** Options of `storage.get`: none are used; the argument is accepted for the platform's signature. */
type StorageGetOptions = Record<string, unknown>;
/** Options of `storage.set`. */
interface StorageSetOptions {
    /** Write even if the document changed since this handle read it. */
    force?: boolean | number | undefined;
    /** The etag the write expects (`null`: an empty document), instead of the one this handle last read. */
    etag?: string | null | undefined;
}
/** `ctx.storage`: one JSON document, read and written with optimistic concurrency. */
interface WebtaskStorage {
    get(cb: (error: Error | null, data?: unknown) => void): void;
    get(options: StorageGetOptions, cb: (error: Error | null, data?: unknown) => void): void;
    set(data: unknown, cb?: (error: Error | null) => void): void;
    set(data: unknown, options: StorageSetOptions, cb?: (error: Error | null) => void): void;
}

interface CreateStorageOptions {
    /** The document's content when it starts empty (and, with `file`, when the file does not exist). */
    initialData?: unknown;
    /** Persist the document to this JSON file (read at creation, written atomically on every `set`). */
    file?: string | undefined;
    /**
     * Persist the document yourself: called after every `set` with its JSON text (`undefined` when
     * cleared), one call at a time, in order; the `set` calls back when it settles. Seed the
     * current content with `initialData`. Not with `file`.
     */
    save?: ((json: string | undefined) => Promise<void>) | undefined;
}
/**
 * A webtask storage (`ctx.storage`): one JSON document of up to 500 KB with `get([options], cb)`
 * and `set(data, [options], cb)`. `get` of an empty document gives `null`; a `set` after another
 * writer's change fails with `code: 409`, `conflict` (the current value) and
 * `errorCode: 'ERR_STORAGE_CONFLICT'`; `{ force: true }` skips that check; `set(null)` clears.
 */
declare function createStorage(options?: CreateStorageOptions): WebtaskStorage;

type Dictionary = Record<string, unknown>;
interface CreateContextOptions {
    /** The parsed query string; `webtask_*` keys are left out of `ctx.query` and `ctx.data`. */
    query?: Dictionary | undefined;
    secrets?: Record<string, string> | undefined;
    params?: Dictionary | undefined;
    meta?: Record<string, string> | undefined;
    /** Request headers; their names are lower-cased. */
    headers?: Record<string, string | string[] | undefined> | undefined;
    /** The raw request body: parsed by its content type into `ctx.body`, kept as `ctx.body_raw`. */
    body?: string | undefined;
    /** Merge the parsed body into `ctx.data`, over query, params and secrets (`mb`). */
    mergeBody?: boolean | number | undefined;
    /** The request id (`ctx.id`); a fresh one when missing. */
    reqId?: string | undefined;
    token?: string | undefined;
    /** The storage; a new in-memory one (seeded with `initialStorageData`) when missing. */
    storage?: WebtaskStorage | undefined;
    initialStorageData?: unknown;
}
/** The webtask context, `ctx`. */
interface WebtaskContext {
    query: Dictionary;
    secrets: Record<string, string>;
    params: Dictionary;
    meta: Record<string, string>;
    headers: Record<string, string | string[] | undefined>;
    body?: unknown;
    body_raw?: string;
    data: Dictionary;
    id: string;
    token: string | undefined;
    storage: WebtaskStorage;
    create_token(...args: unknown[]): never;
    create_token_url(...args: unknown[]): never;
    [key: string]: unknown;
}
/**
 * Build a webtask context. `ctx.data` holds query, params and secrets, then, when `mergeBody` is
 * set, the parsed body's keys, which win (the platform's documented order). A body that does not
 * parse leaves `ctx.body` undefined.
 */
declare function createContext(options?: CreateContextOptions): WebtaskContext;

/** Where the pipeline reports faults of user code (a synchronous throw, a timeout). */
interface Logger {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
}
/** A webtask function of any of the three shapes; the pipeline picks the shape by arity. */
type AnyWebtaskFunction = (...args: never[]) => unknown;
/** The pipeline's options, resolved once per simulate() call or server. */
interface PipelineSettings {
    parseBody: 0 | 1 | 2;
    mergeBody: boolean;
    secrets: Record<string, string>;
    meta: Record<string, string>;
    params: Record<string, unknown>;
    /** The storage document each request gets its own handle on. */
    document: StorageDocument | undefined;
    /** A storage supplied by the caller that is not one of ours: handed to every request as is. */
    storage: WebtaskStorage | undefined;
    /** Each request's own storage, made per request (an executor's guest: a proxy to the host's document). */
    storageFor?: (() => WebtaskStorage) | undefined;
    maxBodySize: number;
    timeout: number;
    token: string | undefined;
    container: string;
    shortcutFavicon: boolean;
    /** Answer a `Server-Timing` header (compile, module load, user code) when the caller measures the request. */
    serverTiming: boolean;
    logger: Logger;
}

/** compile() options that can cross to a worker or a child process: plain data only. */
interface JobCompileOptions {
    dirname?: string | undefined;
    filename?: string | undefined;
    extraModulePaths?: readonly string[] | undefined;
    cache?: false | {
        max?: number | undefined;
    } | undefined;
    compilerFetch?: FetchLimits | undefined;
    compileTimeout?: number | undefined;
    /** The root of a module store (`createModuleStore({ root })`) for `'use npm'`, opened where the job runs. */
    modulesRoot?: string | undefined;
}
/** The pipeline settings of a webtask, as plain data (storage and logger are the executor's). */
type JobSettings = Omit<PipelineSettings, 'document' | 'storage' | 'logger'>;
/** One webtask: its id (what the guest caches the compiled function by), its code and options. */
interface JobWebtask {
    id: string;
    code: string;
    options: JobCompileOptions;
    settings: JobSettings;
}
/** A request whose body has already been read (up to the size limit) by the host. */
interface JobRequest {
    /** The request id: `ctx.id`, `req.x_wt.req_id` and `LogEntry.requestId`; generated in the platform's shape when missing. */
    id?: string | undefined;
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    body: Uint8Array | undefined;
}
/** One console line of user code, or one report of the pipeline, attributed to the job it came from. */
interface LogEntry {
    /** When it was logged, ISO 8601. */
    time: string;
    /** `console.log`, `info` and `debug` are `info`; `warn` is `warn`; `error` and the pipeline's reports are `error`. */
    level: 'info' | 'warn' | 'error';
    /** The `JobWebtask.id` of the job that logged it; `undefined` outside any job. */
    webtask: string | undefined;
    /** The request id of that job (`JobRequest.id`, or the one generated for it). */
    requestId: string | undefined;
    /** The arguments formatted with `util.format`, as console does; past 8192 characters, cut to 8191 and `…`. */
    message: string;
    /** Set on the one entry each finished request adds (`message` says the same in words): where its time went, in ms. */
    timing?: {
        compile: number;
        modules: number;
        user: number;
    } | undefined;
}
/**
 * What an executor runs: a webtask, a request, and the storage it reads and writes — one from
 * `createStorage()`, kept by the host (a pool's guests reach it through the host); without it, an
 * empty one per request.
 */
interface ExecutorJob {
    webtask: JobWebtask;
    request: JobRequest;
    storage?: WebtaskStorage | undefined;
}
/** The complete answer to one request. */
interface JobResult {
    statusCode: number;
    headers: Record<string, string | number | string[]>;
    body: Buffer;
    /** Where the request's time went, in ms (absent for answers no webtask gave: a fault, a 413). */
    timing?: {
        compile: number;
        modules: number;
        user: number;
    } | undefined;
    /** The request id it ran with. */
    requestId?: string | undefined;
}
/** Where webtasks run: the in-process pipeline, a pool of worker threads, or a pool of child processes. */
/** An HTTP request of a webtask, answered on Node's own request and response: see `Executor.serve`. */
interface ServeJob {
    webtask: JobWebtask;
    storage?: WebtaskStorage | undefined;
    /** The request id (as `JobRequest.id`). */
    id?: string | undefined;
    /** The URL the webtask sees (a server's path after the webtask's name); default `req.url`. */
    url?: string | undefined;
}
interface Executor {
    run(job: ExecutorJob): Promise<JobResult>;
    /**
     * Answer an HTTP request with a webtask. In-process, on `req` and `res` themselves (the body
     * streamed by the pipeline, nothing buffered); a pool reads the body (up to the webtask's
     * `maxBodySize`, else 413), runs the job and writes its result. Resolves once answered.
     */
    serve(job: ServeJob, req: IncomingMessage, res: ServerResponse): Promise<void>;
    close(): Promise<void>;
}
/** Options of the isolating executors. */
interface PoolOptions {
    /** Workers or children; default `os.availableParallelism() - 1`, at least 1. */
    size?: number | undefined;
    /** Wall-clock limit of one request in ms (default 20000; 0 for none): past it the worker is stopped. */
    timeout?: number | undefined;
    /** Heap limit of each worker or child, in MB (default 128). */
    memoryLimit?: number | undefined;
    /**
     * Jobs sent ahead to one worker or child while it runs one (default 16). The guest runs them one
     * at a time, in order; a fault answers the running one and the others go to another guest,
     * never having started. 0: one job per guest at a time.
     */
    prefetch?: number | undefined;
    /** Where user code's reports (a timeout, a synchronous throw) and the pool's faults go. */
    logger?: Logger | undefined;
}

/** Where user code runs: this process (no isolation), a pool of worker threads, or a pool of child processes. */
type Sandbox = 'in-process' | 'worker' | 'process';
/** Options of `createExecutor()`. The pool options apply to `worker` and `process`. */
interface ExecutorOptions extends PoolOptions {
    /** Default `in-process` (no isolation: user code runs in this process). See docs/security.md. */
    sandbox?: Sandbox | undefined;
    logger?: Logger | undefined;
    /**
     * Receives every console line (`log`, `info`, `debug`, `warn`, `error`) that user code makes
     * while — or because of — running a job, and the pipeline's reports (a timeout, a synchronous
     * throw), attributed to the job's webtask and request. Called synchronously, outside any job;
     * it must not throw. Without it, lines print as they always have.
     */
    onLog?: ((entry: LogEntry) => void) | undefined;
    /**
     * With `onLog`: whether anybody wants the lines of a job of this webtask now (a server with no
     * one streaming its container's logs says no). A job nobody wants is run without attribution —
     * the cost of following its asynchronous work — and adds no timing entry; its lines go to
     * `onLog` unattributed (`webtask: undefined`). Asked once per job; default: always.
     */
    logWanted?: ((webtask: JobWebtask) => boolean) | undefined;
}
/**
 * An executor: `run(job)` answers one request of one webtask — compiled on first sight in the
 * executor (in a worker or child for the pools) and remembered by `job.webtask.id` — with the
 * complete response; `close()` stops the pool. One executor serves any number of webtasks: the
 * pools start with it, so a webtask never seen before costs only its compile.
 */
declare function createExecutor(options?: ExecutorOptions): Executor;

/** compile() options that `simulate()` and `createServer()` pass through. */
type PassedCompileOptions = Omit<CompileOptions, 'meta' | 'secrets' | 'params' | 'logger' | 'webtaskApi'>;

/** Options shared by `simulate()` and `createServer()` (webtask-runtime's, plus ours). */
interface RuntimeOptions {
    /** `pb`: 0 never, 1 always, 2 (default) for 1- and 2-ary functions only; `true`/`false` are 1/0. */
    parseBody?: boolean | 0 | 1 | 2 | undefined;
    /** `mb`: merge the parsed body into `ctx.data`. */
    mergeBody?: boolean | number | undefined;
    secrets?: Record<string, string> | undefined;
    meta?: Record<string, string> | undefined;
    params?: Record<string, unknown> | undefined;
    /** Where faults of user code (a synchronous throw, a timeout) are reported, with `error`; default `console`. */
    logger?: Logger | undefined;
    /** The storage's content when it starts empty. */
    initialStorageData?: unknown;
    /** Persist the storage to this JSON file. */
    storageFile?: string | undefined;
    /** A storage to use instead (one from `createStorage()` gives each request its own handle on it). */
    storage?: WebtaskStorage | undefined;
    /** Largest request body read, in bytes (default 1 MiB); over it, HTTP 413. */
    maxBodySize?: number | undefined;
    /** Per-request time limit in ms (default 20000; 0 for none); over it, HTTP 504. */
    timeout?: number | undefined;
    /** `ctx.token`. */
    token?: string | undefined;
    /** The container name in `req.x_wt` (default `webtask-local`). */
    container?: string | undefined;
    /** Answer `GET /favicon.ico` with 404 without running the webtask. */
    shortcutFavicon?: boolean | undefined;
    /**
     * Answer a `Server-Timing` header with the request's compile, module-load and user-code time
     * (default: on for `createServer()`, off for `simulate()`, whose answers stay webtask-runtime's).
     */
    serverTiming?: boolean | undefined;
}

/** What `createJobWebtask()` takes: the runtime's plain-data options and compile()'s that can cross to a guest. */
type JobWebtaskOptions = Omit<RuntimeOptions, 'logger' | 'storage' | 'initialStorageData' | 'storageFile'> & Pick<PassedCompileOptions, 'dirname' | 'filename' | 'extraModulePaths' | 'cache' | 'compilerFetch' | 'compileTimeout'> & {
    /** The root of a module store for `'use npm'` (a live store cannot cross to a guest: each opens its own on this root). */
    modulesRoot?: string | undefined;
};
/**
 * The webtask of an executor job, with the runtime's defaults filled in (pb 2, a 20 s limit…).
 * `id` names this version of the webtask: executors remember the compiled function under it, so
 * give a new id whenever the code, secrets, meta or params change. Reuse the returned object for
 * every request: the pools send a webtask to a guest once and then only its id.
 */
declare function createJobWebtask(id: string, code: string, options?: JobWebtaskOptions): JobWebtask;

/** Options of `createServer()`: the runtime's and compile()'s options, plus the executor. */
interface CreateServerOptions extends RuntimeOptions, PassedCompileOptions {
    /** Default `in-process` (no isolation: user code runs in this process). See docs/security.md. */
    sandbox?: Sandbox | undefined;
    /** `worker`/`process`: the pool size; default `os.availableParallelism() - 1`, at least 1. */
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
declare function createServer(codeOrFunction: string | AnyWebtaskFunction, options?: CreateServerOptions): Server;

/** Where compiled code appears to live, and what it sees as `module.webtask` while it loads. */
interface NodejsCompilerOptions {
    /** The directory the module appears to run in; its node_modules hierarchy resolves bare requires. Default `process.cwd()`. */
    dirname?: string | undefined;
    /** The module's file name inside `dirname` (it need not exist). Default `webtask.js`. */
    filename?: string | undefined;
    /** Directories searched after the node_modules hierarchy, as webtask-runtime's option of the same name. */
    extraModulePaths?: readonly string[] | undefined;
    /** Set as `module.webtask` while the module loads (webtask-runtime passes `{ storage, meta, params, secrets }`). */
    webtaskApi?: unknown;
}
/**
 * A `nodejsCompiler` bound to a location: compiles CommonJS source as a real module (its own
 * `require`, `module`, `exports`, `__filename`, `__dirname`) and calls back, synchronously, with
 * the error the load threw or with what the module produced. A truthy top-level `return` value
 * wins over `module.exports`, as Node's `Module#_compile` returns the wrapper's result and
 * webtask-runtime uses it first.
 */
declare function createNodejsCompiler(options?: NodejsCompilerOptions): NodejsCompiler;
/**
 * The platform's JavaScript compiler with the defaults (`process.cwd()/webtask.js`, no
 * `module.webtask`): `nodejsCompiler(script, cb)` calls back `(error)` or `(null, exported)`.
 */
declare function nodejsCompiler(script: string, cb: Parameters<NodejsCompiler>[1]): void;

/** Options of `simulate()`: the request, then the runtime's and compile()'s options. */
interface SimulateOptions extends RuntimeOptions, PassedCompileOptions {
    /** Default `GET`. */
    method?: string | undefined;
    /** Path and query string; default `/`. */
    url?: string | undefined;
    /** Added to the URL's query string (these win). */
    query?: Record<string, string | number | boolean | readonly string[]> | undefined;
    headers?: Record<string, string | string[] | undefined> | undefined;
    /** The body: a string or Buffer as is; anything else as JSON (with `content-type: application/json` unless set). */
    payload?: unknown;
}
/** What `simulate()` answers (webtask-runtime's shape, lower-case header names). */
interface SimulateResult {
    statusCode: number;
    headers: Record<string, string | number | string[]>;
    payload: string;
}
/**
 * Run a webtask function, or code compiled with compile(), for one simulated request: no socket,
 * the same pipeline as `createServer()`. Answers `{ statusCode, headers, payload }`; with a
 * callback (webtask-runtime's form) it is called with that instead.
 */
declare function simulate(codeOrFunction: string | AnyWebtaskFunction, options?: SimulateOptions): Promise<SimulateResult>;
declare function simulate(codeOrFunction: string | AnyWebtaskFunction, cb: (res: SimulateResult) => void): void;
declare function simulate(codeOrFunction: string | AnyWebtaskFunction, options: SimulateOptions | undefined, cb: (res: SimulateResult) => void): void;

/** `pb` values, as webtask-runtime exports them. */
declare const PARSE_NEVER = 0;
declare const PARSE_ALWAYS = 1;
declare const PARSE_ON_ARITY = 2;

export { PARSE_ALWAYS, PARSE_NEVER, PARSE_ON_ARITY, compile, createContext, createExecutor, createJobWebtask, createNodejsCompiler, createServer, createStorage, nodejsCompiler, simulate };
export type { CompileCallback, CompileOptions, CreateContextOptions, CreateServerOptions, CreateStorageOptions, Executor, ExecutorJob, ExecutorOptions, JobCompileOptions, JobRequest, JobResult, JobSettings, JobWebtask, JobWebtaskOptions, LogEntry, NodejsCompilerOptions, Sandbox, ServeJob, SimulateOptions, SimulateResult, StorageGetOptions, StorageSetOptions, WebtaskContext, WebtaskStorage };
