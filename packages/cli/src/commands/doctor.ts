import { type JailSupport, jailSupport } from '@ext-compilers/runtime';
import type { Command } from '../internal/command.ts';
import { EXIT } from '../internal/errors.ts';
import { out, table } from '../internal/io.ts';

export const doctor: Command = {
  name: 'doctor',
  summary: 'Report what this machine can enforce: bubblewrap, user namespaces, cgroup v2, Node.',
  description:
    "Exit 0 when the jail sandbox can run here (\"ext-compilers start\" isolates tenants from each other and from the server), 1 when it cannot (start then runs the process sandbox with a warning, or refuses with --require-jail).",
  options: { json: { type: 'boolean', description: 'print the report as JSON' } },
  examples: ['ext-compilers doctor', 'ext-compilers doctor --json'],
  async run(parsed) {
    const support = jailSupport();
    const node = nodeSupport(support.node.version);
    const sandbox = support.ok ? 'jail' : 'process';
    if (parsed.flag('json')) out(JSON.stringify({ ...support, node: { ...support.node, supported: node.supported }, sandbox }, null, 2));
    else for (const line of [...table(rows(support, node.text)), '', verdict(support)]) out(line);
    return support.ok ? EXIT.ok : EXIT.failure;
  },
};

function rows(support: JailSupport, node: string): string[][] {
  const linux = process.platform === 'linux';
  const namespaces = support.userNamespaces ? 'yes' : !linux ? `no (${process.platform})` : support.bwrap ? `no: ${support.problem}` : 'not checked (it needs bubblewrap)';
  return [
    ['bubblewrap', support.bwrap ?? (linux ? 'missing' : `not on ${process.platform}`)],
    ['user namespaces', namespaces],
    ['cgroup v2', support.cgroup2 ? 'yes' : 'no'],
    ['node', `${support.node.version} (${support.node.path}): ${node}`],
    ["start's sandbox", support.ok ? 'jail' : 'process (tenants not isolated from each other)'],
  ];
}

function verdict(support: JailSupport): string {
  if (support.ok) return 'The jail can run here: "ext-compilers start" isolates tenants from each other and from the server.';
  return `The jail cannot run here (${support.problem}): "ext-compilers start" would run the process sandbox, with a warning; --require-jail refuses to start.`;
}

/** Whether the project supports this Node: 20.19 and later 20s, and 24 (the lines CI tests). */
function nodeSupport(version: string): { supported: boolean; text: string } {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 24) return { supported: true, text: 'supported' };
  if (major === 20 && minor >= 19) return { supported: true, text: 'supported (Node 20 reached its end of life on 2026-04-30: move to Node 24)' };
  if (major > 20) return { supported: false, text: 'not tested (engines >=20.19 lets it run; CI tests Node 20.19+ and 24)' };
  return { supported: false, text: 'not supported: install Node 24 (or 20.19+)' };
}
