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
  const state = { live: false, closed: false, client: undefined as pg.Client | undefined, retry: FIRST_RETRY, timer: undefined as NodeJS.Timeout | undefined };
  const lost = (client: pg.Client, error: Error): void => {
    if (state.client !== client) return;
    state.client = undefined;
    state.live = false;
    void client.end().catch(() => undefined);
    if (state.closed) return;
    handlers.error?.(error);
    handlers.reset();
    state.timer = setTimeout(again, state.retry);
    state.retry = Math.min(state.retry * 2, LAST_RETRY);
  };
  const open = async (): Promise<void> => {
    const client = connect();
    state.client = client;
    client.on('error', (error) => lost(client, error));
    client.on('end', () => lost(client, new Error('The LISTEN connection ended')));
    client.on('notification', (message) => message.channel === channel && handlers.notice(message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
    } catch (error) {
      lost(client, error as Error);
      throw error;
    }
    if (state.client !== client) return;
    state.live = true;
    state.retry = FIRST_RETRY;
    handlers.reset();
  };
  const again = (): void => {
    if (!state.closed) open().catch(() => undefined);
  };
  try {
    await open();
  } catch (error) {
    state.closed = true;
    clearTimeout(state.timer);
    throw error;
  }
  return {
    get live() {
      return state.live;
    },
    async close() {
      state.closed = true;
      state.live = false;
      clearTimeout(state.timer);
      const client = state.client;
      state.client = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
