import { EventEmitter } from 'node:events';
import { STATUS_CODES } from 'node:http';

type HeaderValue = string | number | string[];

/** What a light response ends with: its status, headers and body (a string when only strings were written). */
export interface EndedResponse {
  statusCode: number;
  statusMessage: string;
  headers: Record<string, HeaderValue>;
  body: string | Buffer;
}

/**
 * A response without a socket: the parts of Node's `ServerResponse` that webtask code and the
 * compilers use. Header names are kept lower-case (as `getHeaders()` gives them); `end()` emits
 * `finish` then `close` and hands the result to `onEnd`.
 */
export class LightResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  #headers: Record<string, HeaderValue> = {};
  // Strings stay strings: a JSON answer written as one string is handed back without a round trip
  // through a Buffer. Only chunks of other encodings, or bytes, are kept as Buffers.
  #chunks: (string | Buffer)[] = [];
  #onEnd: (response: EndedResponse) => void;

  constructor(onEnd: (response: EndedResponse) => void) {
    super();
    this.#onEnd = onEnd;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw headersSentError('set');
    this.#headers[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers[name.toLowerCase()];
  }

  getHeaders(): Record<string, HeaderValue> {
    return { ...this.#headers };
  }

  getHeaderNames(): string[] {
    return Object.keys(this.#headers);
  }

  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.#headers;
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError('remove');
    delete this.#headers[name.toLowerCase()];
  }

  writeHead(statusCode: number, reason?: string | Record<string, HeaderValue>, headers?: Record<string, HeaderValue>): this {
    if (this.headersSent) throw headersSentError('write');
    const fields = typeof reason === 'object' ? reason : headers;
    this.statusCode = statusCode;
    this.statusMessage = typeof reason === 'string' ? reason : (STATUS_CODES[statusCode] ?? '');
    for (const name in fields) this.#headers[name.toLowerCase()] = fields[name]!;
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void), cb?: () => void): boolean {
    if (this.writableEnded) return false;
    this.#write(chunk, typeof encoding === 'function' ? undefined : encoding);
    const done = typeof encoding === 'function' ? encoding : cb;
    if (done) process.nextTick(done);
    return true;
  }

  end(chunk?: string | Uint8Array | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): this {
    if (this.writableEnded) return this;
    if (typeof chunk === 'function') return this.end(undefined, undefined, chunk);
    if (typeof encoding === 'function') return this.end(chunk, undefined, encoding);
    if (chunk !== undefined && chunk !== null) this.#write(chunk, encoding);
    this.#send();
    this.writableEnded = true;
    this.writableFinished = true;
    if (cb) this.once('finish', cb);
    this.#onEnd({ statusCode: this.statusCode, statusMessage: this.statusMessage, headers: { ...this.#headers }, body: bodyOf(this.#chunks) });
    this.emit('finish');
    this.emit('close');
    return this;
  }

  // As Node's response, a chunk that is neither text nor bytes (or text in an unknown encoding) is
  // refused before the head goes out. end() writes through this, not through a `write` the
  // webtask may have replaced.
  #write(chunk: string | Uint8Array, encoding: BufferEncoding | undefined): void {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) throw invalidChunkError();
    const part = typeof chunk !== 'string' ? Buffer.from(chunk) : isUtf8(encoding) ? chunk : Buffer.from(chunk, encoding);
    this.#send();
    this.#chunks.push(part);
  }

  // As Node's response: the first write without an explicit head writes one (through writeHead, so
  // whoever wraps writeHead sees every head).
  #send(): void {
    if (this.headersSent) return;
    this.writeHead(this.statusCode, this.statusMessage || undefined);
  }
}

function isUtf8(encoding: unknown): boolean {
  return typeof encoding !== 'string' || encoding === 'utf8' || encoding === 'utf-8';
}

function bodyOf(chunks: readonly (string | Buffer)[]): string | Buffer {
  if (chunks.length === 1 && typeof chunks[0] === 'string') return chunks[0];
  if (chunks.every((chunk) => typeof chunk === 'string')) return chunks.join('');
  return Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}

/** The body as text, as webtask-runtime's `simulate()` answers it. Bytes are decoded together, never chunk by chunk, so a character split across two writes survives. */
export function textOf(body: string | Buffer): string {
  return typeof body === 'string' ? body : body.toString();
}

function invalidChunkError(): Error {
  return Object.assign(new TypeError('The "chunk" argument must be of type string or an instance of Buffer or Uint8Array.'), { code: 'ERR_INVALID_ARG_TYPE' });
}

function headersSentError(action: string): Error {
  return Object.assign(new Error(`Cannot ${action} headers after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
}
