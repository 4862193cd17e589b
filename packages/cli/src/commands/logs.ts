import type { Command } from '../internal/command.ts';
import { CliError, EXIT } from '../internal/errors.ts';
import { note, out } from '../internal/io.ts';
import { client } from '../internal/webtasks.ts';

interface LogRecord {
  time: string;
  level: string;
  container: string;
  name?: string;
  req_id?: string;
  msg: string;
}

export const logs: Command = {
  name: 'logs',
  summary: "Stream the console output of the container's webtasks until Ctrl-C.",
  description: 'A server that stops ends the stream: one line says so, exit 0. A stream cut otherwise (the server died, the network failed) is exit 1.',
  options: { raw: { type: 'boolean', short: 'r', description: 'print each record as the server sends it (JSON)' } },
  client: true,
  examples: ['ext-compilers logs', 'ext-compilers logs --raw | jq .msg'],
  async run(parsed) {
    const api = await client(parsed);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const response = await api.open('GET', `/api/logs/tenant/${encodeURIComponent(api.connection.container)}`, { timeout: 0, signal: stop.signal });
      note(`Streaming the logs of container ${api.connection.container} (Ctrl-C to stop).`);
      await follow(response, parsed.flag('raw'), stop.signal);
    } catch (error) {
      if (stop.signal.aborted) return EXIT.ok;
      throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    // A stopping server ends its streams as a stream ends; one that dies cuts them (see follow).
    if (!stop.signal.aborted) note('ext-compilers: the server stopped, ending the log stream.');
    return EXIT.ok;
  },
};

/** Server-Sent Events: `data:` lines are records; `:` lines are keep-alives. A cut stream is a CliError. */
async function follow(response: Response, raw: boolean, signal: AbortSignal): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (signal.aborted) return;
      buffered += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).replace(/\r$/, '');
        buffered = buffered.slice(newline + 1);
        if (line.startsWith('data:')) print(line.slice(5).trim(), raw);
      }
    }
  } catch (error) {
    if (signal.aborted) return;
    throw new CliError(`the log stream was cut (the server crashed, or the network failed): run "ext-compilers logs" again once the server runs.`, EXIT.failure, { cause: error });
  }
}

function print(data: string, raw: boolean): void {
  if (raw) return out(data);
  try {
    const record = JSON.parse(data) as LogRecord;
    out(`${record.time} ${record.level.padEnd(5)} ${record.name ?? '(ad hoc)'}: ${record.msg}`);
  } catch {
    out(data);
  }
}
