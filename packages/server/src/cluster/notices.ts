import type pg from 'pg';

/** What a node does with the cluster's notices. */
export interface NoticeHandlers {
  /** A notice's payload, as sent. */
  notice(payload: string): void;
  /** Notices may have been missed (the connection was lost, or is back): drop everything cached. */
  reset(): void;
  /** The connection was lost (it is being made again). */
  error?(error: Error): void;
}

/** The node's LISTEN connection. */
export interface Notices {
  /** Whether the connection is up and listening: only then is what a node caches kept current. */
  readonly live: boolean;
  close(): Promise<void>;
}

const FIRST_RETRY = 100;
const LAST_RETRY = 5_000;

/**
 * One connection per node that LISTENs on `channel` for as long as the node runs. Lost, it is made
 * again (100 ms, doubling to 5 s apart), and `reset()` is called both when it goes and when it is
 * back: notices sent meanwhile are lost for good. The first connection must succeed.
 */
export async function listenForNotices(connect: () => pg.Client, channel: string, handlers: NoticeHandlers): Promise<Notices> {
  const connection = new NoticeConnection(connect, channel, handlers);
  try {
    await connection.open();
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

class NoticeConnection implements Notices {
  #live = false;
  #closed = false;
  #client: pg.Client | undefined;
  #retry = FIRST_RETRY;
  #timer: NodeJS.Timeout | undefined;
  readonly #connect: () => pg.Client;
  readonly #channel: string;
  readonly #handlers: NoticeHandlers;

  constructor(connect: () => pg.Client, channel: string, handlers: NoticeHandlers) {
    this.#connect = connect;
    this.#channel = channel;
    this.#handlers = handlers;
  }

  get live(): boolean {
    return this.#live;
  }

  async open(): Promise<void> {
    const client = this.#connect();
    this.#client = client;
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('The LISTEN connection ended')));
    client.on('notification', (message) => message.channel === this.#channel && this.#handlers.notice(message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.#channel}`);
    } catch (error) {
      this.#lost(client, error as Error);
      throw error;
    }
    if (this.#client !== client) return;
    this.#live = true;
    this.#retry = FIRST_RETRY;
    this.#handlers.reset();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#live = false;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  #lost(client: pg.Client, error: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#live = false;
    void client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#handlers.error?.(error);
    this.#handlers.reset();
    this.#timer = setTimeout(() => void (this.#closed || this.open().catch(() => undefined)), this.#retry);
    this.#retry = Math.min(this.#retry * 2, LAST_RETRY);
  }
}
