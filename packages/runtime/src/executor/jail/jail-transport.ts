import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { childTransport } from '../child-transport.ts';
import { GUEST_MARKER, guestEntry } from '../guest-entry.ts';
import type { Transport } from '../pool-settings.ts';
import { type Bind, codeBinds, nodeBinds } from './binds.ts';
import { guestIdentity, type JailSupport } from './support.ts';

/** What every jailed guest of an executor gets. */
export interface JailSettings {
  support: JailSupport;
  /** Heap limit in MB (`--max-old-space-size`); the whole address space is capped from it. */
  memoryLimit: number;
  /** Bytes of the private `/tmp`. */
  tmpSize: number;
  /** More read-only binds (the module stores the executor's webtasks use). */
  binds: () => Bind[];
  /** A directory of the host seen at `/run/egress` inside, holding the egress gate's socket. */
  egress?: { dir: string; socket: string } | undefined;
}

// The uid a guest has inside its user namespace, and the home of its writable files.
const INSIDE_ID = '1000';
const EGRESS_DIR = '/run/egress';
// Processes of one guest (its own uid when the server is root) and its open files.
const MAX_PROCESSES = 64;
const MAX_FILES = 1024;

// Guest n runs as uid JAIL_UID_BASE + n (when the server is root): an index per live guest.
const used = new Set<number>();

function takeIndex(): number {
  let index = 1;
  while (used.has(index)) index++;
  used.add(index);
  return index;
}

/**
 * A guest process in a bubblewrap jail: new user, pid, ipc, uts, network and cgroup namespaces;
 * its own unprivileged uid; read-only binds of only Node, its libraries, the runtime's code and
 * `settings.binds()`; a private size-capped `/tmp`, its own `/proc`, an empty environment; the
 * address space, processes and open files capped by `prlimit`. It dies with the server
 * (`--die-with-parent`), and every process in it dies with it (its pid namespace).
 */
export function spawnJail(settings: JailSettings): Transport {
  const index = takeIndex();
  const identity = guestIdentity(index);
  const entry = guestEntry();
  const limits = [`--as=${addressSpace(settings.memoryLimit, entry.typescript)}`, `--nofile=${MAX_FILES}`, ...(identity ? [`--nproc=${MAX_PROCESSES}`] : [])];
  const args = [...limits, '--', settings.support.bwrap!, ...jailArguments(settings, entry.file), ...guestCommand(settings.memoryLimit, entry)];
  const child = spawn('prlimit', args, { ...identity, env: {}, serialization: 'advanced', stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  return childTransport(child, settings.memoryLimit, () => used.delete(index));
}

/**
 * The whole address space a guest may map, off-heap memory included: its heap limit twice over
 * and 1.5 GiB for what Node and V8 reserve (an idle built guest maps ~1 GiB, most of it never
 * touched). From TypeScript source, tsx's loader thread reserves 0.6 GiB more.
 */
function addressSpace(memoryLimit: number, typescript: boolean): number {
  return (2 * memoryLimit + 1536 + (typescript ? 1024 : 0)) * 1024 * 1024;
}

function jailArguments(settings: JailSettings, entryFile: string): string[] {
  const args = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-net', '--unshare-cgroup-try', '--disable-userns'];
  args.push('--uid', INSIDE_ID, '--gid', INSIDE_ID, '--hostname', 'webtask', '--die-with-parent', '--new-session');
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(settings.tmpSize), '--tmpfs', '/tmp', '--chdir', '/tmp');
  // After /tmp's own mount, so that code or a module store kept under /tmp is seen over it.
  const binds = [...nodeBinds(), ...codeBinds(entryFile), ...settings.binds()];
  for (const { source, dest } of binds) args.push('--ro-bind', source, dest);
  // bwrap starts the guest with no environment but these: the IPC channel Node's fork set up on fd 3.
  args.push('--clearenv', '--setenv', 'NODE_CHANNEL_FD', '3', '--setenv', 'NODE_CHANNEL_SERIALIZATION_MODE', 'advanced', '--setenv', 'HOME', '/tmp');
  if (settings.egress) args.push('--ro-bind', settings.egress.dir, EGRESS_DIR, '--setenv', 'EXT_COMPILERS_EGRESS', `${EGRESS_DIR}/${settings.egress.socket}`);
  return args;
}

/**
 * Node with the heap limit, on the guest entry. From TypeScript source (this repository's tests),
 * tsx's loader is given by its path (the jail's working directory is `/tmp`) and its cache is off.
 */
function guestCommand(memoryLimit: number, entry: { file: string; typescript: boolean }): string[] {
  // Without the trap handler, WebAssembly checks its bounds itself instead of reserving 10 GiB of
  // address space per memory, which the address-space cap would refuse.
  const node = [process.execPath, `--max-old-space-size=${memoryLimit}`, '--disable-wasm-trap-handler'];
  if (!entry.typescript) return [...node, entry.file, GUEST_MARKER];
  const tsx = pathToFileURL(createRequire(entry.file).resolve('tsx')).href;
  const flags = process.execArgv.map((flag) => (flag === 'tsx' ? tsx : flag));
  return ['--setenv', 'TSX_DISABLE_CACHE', '1', ...node, ...flags, entry.file, GUEST_MARKER];
}
