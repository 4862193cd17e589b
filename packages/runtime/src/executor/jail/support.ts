import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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

/**
 * The first host uid of jailed guests when the server runs as root: guest `n` runs as
 * `JAIL_UID_BASE + n`, a uid of its own (never root, never the server's). A server that is not
 * root runs its guests under its own uid, mapped to another inside their user namespace.
 */
export const JAIL_UID_BASE = 100_000;

/** The uid and gid a probe or a guest is started with: its own when this process is root. */
export function guestIdentity(index: number): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: JAIL_UID_BASE + index, gid: JAIL_UID_BASE + index } : undefined;
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
  const tried = spawnSync(bwrap, ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--die-with-parent', '--ro-bind', '/', '/', 'true'], { ...guestIdentity(0), timeout: 5000, encoding: 'utf8' });
  if (tried.status === 0) return { ...base, ok: true, bwrap, userNamespaces: true, problem: undefined };
  const said = (tried.stderr || tried.error?.message || `exit ${tried.status}`).trim().split('\n')[0];
  return { ...base, ok: false, bwrap, userNamespaces: false, problem: `bubblewrap cannot create namespaces here (${said}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0)` };
}

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, program))) return join(dir, program);
  }
  return undefined;
}
