import { Readable } from 'node:stream';

export interface LightRequestInit {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
}

/**
 * A request without a socket: a Readable of the body with the fields of Node's `IncomingMessage`
 * that webtask code reads. The body is pushed only when someone reads, so an unread stream costs
 * nothing.
 */
export class LightRequest extends Readable {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown> = {};
  httpVersion = '1.1';
  httpVersionMajor = 1;
  httpVersionMinor = 1;
  readonly socket: { remoteAddress: string; encrypted: boolean } = { remoteAddress: '127.0.0.1', encrypted: false };
  #body: Buffer | undefined;

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

  override _read(): void {
    const body = this.#body;
    this.#body = undefined;
    if (body !== undefined && body.length > 0) this.push(body);
    this.push(null);
  }
}
