import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { JAIL_UID_BASE, hasSetpriv, jailCommand } from './command.ts';

/** What this machine can enforce for the `jail` sandbox, as `ext-compilers doctor` reports it. */
export interface JailSupport {
  /** Whether a jailed guest can start here: bubblewrap found and user namespaces usable. */
  ok: boolean;
  /** The bubblewrap program, when found on the PATH. */
  bwrap: string | undefined;
  /** Whether bubblewrap could make a user, pid, ipc, uts and network namespace here. */
  userNamespaces: boolean;
  /** Whether the host has a cgroup v2 hierarchy this process may write (memory capped as a whole there). */
  cgroup2: boolean;
  /** The Node that guests run: this process's own. */
  node: { path: string; version: string };
  /** When not ok: what is missing and how to get it, in one line. */
  problem: string | undefined;
}

let probed: JailSupport | undefined;

/** Probe once per process (a bubblewrap start, ~10 ms) what the jail needs; later calls answer the same. */
export function jailSupport(): JailSupport {
  probed ??= probe();
  return probed;
}

function probe(): JailSupport {
  const node = { path: realpathSync(process.execPath), version: process.version };
  const cgroup2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  const base = { node, cgroup2 };
  if (process.platform !== 'linux') return { ...base, ok: false, bwrap: undefined, userNamespaces: false, problem: `the jail needs Linux (this is ${process.platform})` };
  const bwrap = onPath('bwrap');
  if (!bwrap) return { ...base, ok: false, bwrap, userNamespaces: false, problem: 'bubblewrap is not installed: apt-get install -y bubblewrap (Debian/Ubuntu) or dnf install bubblewrap' };
  if (process.getuid?.() === 0 && !hasSetpriv()) return { ...base, ok: false, bwrap, userNamespaces: false, problem: 'setpriv is missing (a root server drops to each guest\'s uid with it): apt-get install -y util-linux' };
  // The jail itself, as a guest gets it, running this Node: namespaces, binds, limits, uid.
  const spec = { bwrap, uid: JAIL_UID_BASE, addressSpace: 2 ** 31, tmpSize: 1024 * 1024, entryFile: undefined, binds: [], env: {}, command: [process.execPath, '-e', 'process.exit(process.getuid() === 1000 ? 0 : 3)'] };
  const { file, args } = jailCommand(spec);
  const tried = spawnSync(file, args, { env: {}, timeout: 10_000, encoding: 'utf8' });
  if (tried.status === 0) return { ...base, ok: true, bwrap, userNamespaces: true, problem: undefined };
  const said = (tried.stderr || tried.error?.message || `exit ${tried.status}`).trim().split('\n')[0];
  return { ...base, ok: false, bwrap, userNamespaces: false, problem: `bubblewrap cannot start a jailed Node here (${said}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0) and install Node where the jail's uid can read it` };
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}
