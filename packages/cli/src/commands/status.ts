import type { Command } from '../internal/command.ts';
import { EXIT } from '../internal/errors.ts';
import { out, table } from '../internal/io.ts';
import { client } from '../internal/webtasks.ts';

interface Status {
  version: string;
  node: string;
  sandbox: string;
  uptime_s: number;
  container: { name: string; webtasks: number; storage_bytes: number; streamed: boolean };
}

export const status: Command = {
  name: 'status',
  summary: "Show the profile's server: its URL, version, Node, sandbox, uptime, and what the container holds.",
  options: { json: { type: 'boolean', description: 'print it as JSON' } },
  client: true,
  examples: ['ext-compilers status', 'ext-compilers status --profile prod --json'],
  async run(parsed) {
    const api = await client(parsed);
    const answer = await api.request<Status>('GET', '/api/status', { query: { container: api.connection.container } });
    if (parsed.flag('json')) {
      out(JSON.stringify({ url: api.connection.url, ...answer }, null, 2));
      return EXIT.ok;
    }
    const { container } = answer;
    const rows = [
      ['Server:', api.connection.url],
      ['Version:', `ext-compilers ${answer.version} on Node ${answer.node}`],
      ['Sandbox:', answer.sandbox],
      ['Uptime:', `${answer.uptime_s} s`],
      ['Container:', `${container.name}: ${container.webtasks} webtask${container.webtasks === 1 ? '' : 's'}, ${container.storage_bytes} bytes of storage${container.streamed ? ', its logs streamed' : ''}`],
    ];
    for (const line of table(rows)) out(line);
    return EXIT.ok;
  },
};
