import type { Connection } from './profile.ts';
import { CliError, EXIT, type ExitCode } from './errors.ts';

export interface RequestOptions {
  query?: Record<string, string | string[] | number | boolean | undefined>;
  json?: unknown;
  /** Milliseconds for the whole exchange; default 30 s. `0`: none (a stream). */
  timeout?: number;
  signal?: AbortSignal;
  /** Statuses answered as they are, not turned into errors (404 for "may not exist"). */
  accept?: number[];
}

/** A management API client over one connection: errors become one-line CliErrors with the exit code they deserve. */
export interface Client {
  readonly connection: Connection;
  /** The answer's parsed JSON (or text, for `text/plain`); `undefined` for 204 and accepted statuses. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /** The raw response (for streams), after the same error handling. */
  open(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** `/api/webtask/{container}[/{name}]`. */
  webtaskPath(name?: string): string;
}

const DEFAULT_TIMEOUT = 30_000;

export function createClient(connection: Connection): Client {
  const open = async (method: string, path: string, options: RequestOptions = {}): Promise<Response> => {
    const url = new URL(connection.url + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(item));
    }
    const headers: Record<string, string> = { authorization: `Bearer ${connection.token}`, accept: 'application/json' };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const signals = [options.signal, timeout > 0 ? AbortSignal.timeout(timeout) : undefined].filter((s): s is AbortSignal => s !== undefined);
    let response: Response;
    try {
      response = await fetch(url, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json), signal: signals.length ? AbortSignal.any(signals) : undefined });
    } catch (error) {
      throw networkError(connection.url, error, timeout);
    }
    if (response.ok || options.accept?.includes(response.status)) return response;
    throw await httpError(response);
  };
  return {
    connection,
    open,
    async request<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
      const response = await open(method, path, options);
      if (response.status === 204 || !response.ok) return undefined as T;
      const text = await response.text();
      if (!(response.headers.get('content-type') ?? '').includes('json')) return text as T;
      return JSON.parse(text) as T;
    },
    webtaskPath: (name) => `/api/webtask/${encodeURIComponent(connection.container)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`,
  };
}

function networkError(url: string, error: unknown, timeout: number): CliError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError') return new CliError(`${url} did not answer within ${timeout / 1000} s: is the server overloaded? Try again.`, EXIT.timeout, { cause: error });
  if (name === 'AbortError') return new CliError('stopped.', EXIT.failure, { cause: error });
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const why = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new CliError(`cannot reach ${url} (${why}): is the server running? Start it with "ext-compilers start".`, EXIT.failure, { cause: error });
}

/** The server's `{ code, error, message }`, as one line and an exit code. */
async function httpError(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let message = text.trim().split('\n')[0]?.slice(0, 300) ?? '';
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof body.message === 'string') message = body.message;
    else if (typeof body.error === 'string') message = body.error;
  } catch {}
  const status = `${response.status}${message ? ` ${message.replace(/\.$/, '')}` : ''}`;
  const [exitCode, advice] = adviceFor(response.status, response, new URL(response.url).pathname);
  const verb = response.status === 401 ? 'refused the token' : response.status === 403 ? 'refused' : 'answered';
  return new CliError(`the server ${verb} (${status})${advice}`, exitCode);
}

function adviceFor(status: number, response: Response, path: string): [ExitCode, string] {
  if (status === 401) return [EXIT.notAuthorized, ': run "ext-compilers init" with a valid token, or pass --token.'];
  // A 403 says why in its message: a token for another container, a quota, the module policy.
  if (status === 403) return [EXIT.notAuthorized, '.'];
  if (status === 404) return [EXIT.notFound, path.startsWith('/api/webtask/') ? ': check the name ("ext-compilers ls" lists the webtasks).' : '.'];
  if (status === 429) return [EXIT.failure, `: try again${response.headers.get('retry-after') ? ` in ${response.headers.get('retry-after')} s` : ' later'}.`];
  if (status >= 500) return [EXIT.serverError, ': see the server\'s output.'];
  return [EXIT.badRequest, '.'];
}
