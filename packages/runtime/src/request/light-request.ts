import { Readable } from 'node:stream';
import { BUFFERED_BODY } from '@ext-compilers/core';

export interface LightRequestInit {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
}

/**
 * A request without a socket: a Readable of the body with the fields of Node's `IncomingMessage`
 * that webtask code reads. The body is pushed only when someone reads, so an unread stream costs
 * nothing; a body reader that knows `BUFFERED_BODY` takes it whole, without the stream's events.
 */
export class LightRequest extends Readable {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown> = {};
  /** Set by the pipeline; declared so every request keeps one shape. */
  x_wt: Record<string, unknown> | undefined = undefined;
  httpVersion = '1.1';
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  readonly socket: { remoteAddress: string; encrypted: boolean } = { remoteAddress: '127.0.0.1', encrypted: false };
  #body: Buffer | undefined;
  #taken = false;
  #handedOver = false;

  constructor(init: LightRequestInit) {
    super();
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.#body = init.body;
  }

  get connection(): { remoteAddress: string; encrypted: boolean } {
    return this.socket;
  }

  /** The body, once, for `BUFFERED_BODY` (installed on the prototype below). */
  static take(request: LightRequest): Buffer | undefined {
    if (request.#taken) return undefined;
    request.#taken = true;
    request.#handedOver = true;
    const body = request.#body ?? EMPTY;
    request.#body = undefined;
    return body;
  }

  /** Whether the body was handed over whole: the stream then counts as read to its end. */
  static handedOver(request: LightRequest): boolean {
    return request.#handedOver;
  }

  override _read(): void {
    this.#taken = true;
    const body = this.#body;
    this.#body = undefined;
    if (body !== undefined && body.length > 0) this.push(body);
    this.push(null);
  }
}

const EMPTY: Buffer = Buffer.alloc(0);

const streamEnded = Object.getOwnPropertyDescriptor(Readable.prototype, 'readableEnded')!.get!;

Object.defineProperties(LightRequest.prototype, {
  [BUFFERED_BODY]: {
    value(this: LightRequest): Buffer | undefined {
      return LightRequest.take(this);
    },
  },
  // As Node's request once its body was read: ended, whoever read it.
  readableEnded: {
    get(this: LightRequest): boolean {
      return LightRequest.handedOver(this) || (streamEnded.call(this) as boolean);
    },
  },
});
