import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Bind, codeBinds, programWithLibraries } from './binds.ts';

/**
 * The first host uid of jailed guests when the server runs as root: guest `n` runs as
 * `JAIL_UID_BASE + n`, a uid of its own (never root, never the server's).
 */
export const JAIL_UID_BASE = 100_000;

/** What one jailed process is started with. */
export interface JailSpec {
  bwrap: string;
  /** The host uid it runs as when the server is root (JAIL_UID_BASE + its index). */
  uid: number;
  /** Address space, in bytes. */
  addressSpace: number;
  tmpSize: number;
  /** What the guest entry needs (see `codeBinds`), when it runs one. */
  entryFile: string | undefined;
  /** More read-only binds: module stores, the egress gate's directory. */
  binds: Bind[];
  env: Record<string, string>;
  /** The program and its arguments, inside. */
  command: string[];
}

// The uid a guest has inside its user namespace.
const INSIDE_ID = '1000';
// Processes of one guest (counted per host uid: as root, each guest has its own) and open files.
const MAX_PROCESSES = 64;
const MAX_FILES = 1024;
const SETPRIV = '/usr/bin/setpriv';

/**
 * The program and arguments that start `spec.command` jailed: `prlimit` (address space, open
 * files, processes), then bubblewrap. A server that is not root runs one unprivileged bubblewrap
 * making every namespace, its uid mapped to 1000 inside. A root server cannot give an
 * unprivileged bubblewrap the files only root may traverse to (the data directory's module
 * store, a Node under /root): an outer bubblewrap, as root, makes the mount, pid, ipc, uts,
 * network and cgroup namespaces and binds the files; `setpriv` drops to the guest's own uid with
 * no capabilities and no way to gain any; an inner bubblewrap, as that uid, makes the user namespace.
 */
export function jailCommand(spec: JailSpec): { file: string; args: string[] } {
  const root = process.getuid?.() === 0;
  const limits = [`--as=${spec.addressSpace}`, `--nofile=${MAX_FILES}`, ...(root ? [`--nproc=${MAX_PROCESSES}`] : [])];
  const user = ['--unshare-user', '--uid', INSIDE_ID, '--gid', INSIDE_ID, '--disable-userns', '--die-with-parent'];
  const outer = namespaces(spec, root);
  if (!root) return { file: 'prlimit', args: [...limits, '--', spec.bwrap, ...user, ...outer, ...spec.command] };
  // The inner bubblewrap makes its own /dev: device nodes of a mount made outside a user namespace do not open inside it.
  const drop = [SETPRIV, `--reuid=${spec.uid}`, `--regid=${spec.uid}`, '--clear-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', '--'];
  return { file: 'prlimit', args: [...limits, '--', spec.bwrap, ...outer, ...drop, spec.bwrap, ...user, '--bind', '/', '/', '--dev', '/dev', '--chdir', '/tmp', '--', ...spec.command] };
}

/** Every namespace but the user one, the file system a guest sees, and its environment. */
function namespaces(spec: JailSpec, root: boolean): string[] {
  const args = ['--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try', '--hostname', 'webtask', '--die-with-parent', '--new-session'];
  args.push('--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', String(spec.tmpSize), '--tmpfs', '/tmp', '--chdir', '/tmp');
  // After /tmp's own mount, so that code or a module store kept under /tmp is seen over it.
  const binds = [...programWithLibraries(spec.command[0]!), ...(spec.entryFile ? codeBinds(spec.entryFile) : []), ...spec.binds];
  if (root) binds.push(...programWithLibraries(spec.bwrap), ...programWithLibraries(SETPRIV));
  // bubblewrap as root makes the directories above a bind private (0700): each is made readable first.
  for (const dir of parents(binds)) args.push('--perms', '0755', '--dir', dir);
  for (const { source, dest } of binds) args.push('--ro-bind', source, dest);
  args.push('--clearenv');
  for (const [name, value] of Object.entries(spec.env)) args.push('--setenv', name, value);
  return args;
}

/** The directories above the binds' destinations, outermost first, not /tmp (a mount of its own). */
function parents(binds: Bind[]): string[] {
  const dirs = new Set<string>();
  for (const { dest } of binds) {
    for (let dir = dirname(dest); dir !== '/' && dir !== '/tmp'; dir = dirname(dir)) dirs.add(dir);
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length);
}

/** Whether this machine has setpriv, which a root server needs to drop to a guest's uid. */
export function hasSetpriv(): boolean {
  return existsSync(SETPRIV);
}
