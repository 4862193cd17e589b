import type { IncomingHttpHeaders } from 'node:http';

/** The webtask context (`ctx`) a runtime hands to a webtask function. Only the fields the compilers read are typed strictly. */
export interface WebtaskContext {
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>;
  secrets?: Record<string, string | undefined> | undefined;
  meta?: Record<string, string | undefined> | undefined;
  params?: Record<string, unknown> | undefined;
  query?: Record<string, unknown> | undefined;
  /** The parsed body, when the runtime parsed it (`pb`) or a compiler did. */
  body?: unknown;
  /** The raw body, when the runtime already consumed the request stream. */
  body_raw?: string | undefined;
  [key: string]: unknown;
}

/** The part of Node's `IncomingMessage` the compilers use; any readable stream with `method` and `headers` works. */
export interface WebtaskRequest extends NodeJS.ReadableStream {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
  readableEnded?: boolean;
}

/** The part of Node's `ServerResponse` the compilers use. */
export interface WebtaskResponse {
  writeHead(statusCode: number, headers?: Record<string, string>): unknown;
  end(chunk?: string): unknown;
  headersSent?: boolean;
  writableEnded?: boolean;
}

/** A Node-style callback. */
export type Callback<T = unknown> = (error?: unknown, result?: T) => void;

/** The three webtask function shapes, chosen by arity. */
export type WebtaskFunction =
  | ((cb: Callback) => void)
  | ((ctx: WebtaskContext, cb: Callback) => void)
  | ((ctx: WebtaskContext, req: WebtaskRequest, res: WebtaskResponse) => void);

/** The platform's JavaScript compiler: CommonJS source in, the exported (or returned) value out. */
export type NodejsCompiler = (script: string, cb: (error: Error | null | undefined, exported?: unknown) => void) => void;

/** What a runtime passes to a webtask compiler. */
export interface CompilerOptions {
  script: string;
  nodejsCompiler: NodejsCompiler;
  secrets?: Record<string, string | undefined> | undefined;
  meta?: Record<string, string | undefined> | undefined;
  /** Largest request body, in bytes, a compiler reads itself (default 1 MiB). Not part of the webtask contract. */
  maxBodySize?: number | undefined;
}

/** The webtask compiler contract: `compiler(options, cb)` calls back with a webtask function. */
export type WebtaskCompiler = (options: CompilerOptions, cb: (error: Error | null, fn?: ExtensibilityHandler) => void) => void;

/** The 3-ary webtask function every extensibility-point compiler returns. */
export type ExtensibilityHandler = (ctx: WebtaskContext, req: WebtaskRequest, res: WebtaskResponse) => void;

/** Where a component reports what it does not answer to a caller: the console's three levels, so `console` is one. */
export interface Logger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
