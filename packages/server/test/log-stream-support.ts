// A reader of /api/logs/tenant/{container}, shared by log-backlog.test.ts and
// bench/log-reader.bench.ts: it counts the records that come and those the server says it dropped.
import type { IncomingMessage } from 'node:http';

/** What a stream's reader has seen: the records, the `dropped` notices, and the records they stand for. */
export interface SeenRecords {
  records: number;
  notices: { msg: string; dropped: number }[];
  dropped: number;
  /** The short messages (under 100 characters) that came. */
  messages: Set<string>;
}

/** Read `stream`'s Server-Sent Events as they come (`data:` records), counting them into the returned object. */
export function followRecords(stream: IncomingMessage): SeenRecords {
  const seen: SeenRecords = { records: 0, notices: [], dropped: 0, messages: new Set() };
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const events = (buffered + chunk).split('\n\n');
    buffered = events.pop()!;
    for (const event of events) {
      if (!event.startsWith('data: ')) continue;
      const record = JSON.parse(event.slice(6)) as { msg: string; dropped?: number };
      if (record.dropped === undefined) seen.records++;
      else seen.notices.push({ msg: record.msg, dropped: record.dropped });
      seen.dropped += record.dropped ?? 0;
      if (record.msg.length < 100) seen.messages.add(record.msg);
    }
  });
  return seen;
}
