import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CHILD_STDIO, childTransport } from '../child-transport.ts';
import { GUEST_MARKER, guestEntry } from '../guest-entry.ts';
import type { Transport } from '../pool/pool-settings.ts';
import type { Bind } from './binds.ts';
import { JAIL_UID_BASE, jailCommand } from './command.ts';

/** What every jailed guest of an executor gets. */
export interface JailSettings {
  bwrap: string;
  /** Heap limit in MB (`--max-old-space-size`); the whole address space is capped from it. */
  memoryLimit: number;
  /** Bytes of the private `/tmp`. */
  tmpSize: number;
  /** `maxResponseSize`: the channel reads no message much past it. */
  responseLimit: number;
  /** More read-only binds (the module stores the executor's webtasks use). */
  binds: () => Bind[];
  /** A directory of the host seen at `/run/egress` inside, holding the egress gate's socket: one per guest, closed with it. */
  egress?: (() => JailEgress) | undefined;
}

export interface JailEgress {
  dir: string;
  socket: string;
  close(): Promise<void>;
}

const EGRESS_DIR = '/run/egress';

// Guest n runs as uid JAIL_UID_BASE + n (when the server is root): an index per live guest.
const used = new Set<number>();

function takeIndex(): number {
  let index = 1;
  while (used.has(index)) index++;
  used.add(index);
  return index;
}

/**
 * A guest process in a bubblewrap jail (see `jailCommand`): new user, pid, ipc, uts, network and
 * cgroup namespaces; its own unprivileged uid; read-only binds of only Node, its libraries, the
 * runtime's code and `settings.binds()`; a private size-capped `/tmp`, its own `/proc`, an empty
 * environment; the address space, processes and open files capped. It dies with the server
 * (`--die-with-parent`), and every process in it dies with it (its pid namespace).
 */
export function spawnJail(settings: JailSettings): Transport {
  const index = takeIndex();
  const entry = guestEntry();
  const egress = settings.egress?.();
  const env: Record<string, string> = { HOME: '/tmp' };
  if (entry.typescript) env.TSX_DISABLE_CACHE = '1';
  if (egress) env.EXT_COMPILERS_EGRESS = `${EGRESS_DIR}/${egress.socket}`;
  const binds = [...settings.binds(), ...(egress ? [{ source: egress.dir, dest: EGRESS_DIR }] : [])];
  const spec = { bwrap: settings.bwrap, uid: JAIL_UID_BASE + index, addressSpace: addressSpace(settings.memoryLimit, entry.typescript), tmpSize: settings.tmpSize, entryFile: entry.file, binds, env };
  const { file, args } = jailCommand({ ...spec, command: guestCommand(settings.memoryLimit, entry) });
  // The channel is fd 3, which prlimit, bubblewrap and setpriv pass on to the guest.
  const child = spawn(file, args, { env: {}, stdio: CHILD_STDIO });
  return childTransport(child, { memoryLimit: settings.memoryLimit, responseLimit: settings.responseLimit }, () => {
    used.delete(index);
    void egress?.close();
  });
}

/**
 * The whole address space a guest may map, off-heap memory included: its heap limit twice over
 * and 1.5 GiB for what Node and V8 reserve (an idle built guest maps ~1 GiB, most of it never
 * touched). From TypeScript source, tsx's loader thread and its WebAssembly lexer map several GiB more (a development concession: the built guest has none).
 */
function addressSpace(memoryLimit: number, typescript: boolean): number {
  return (2 * memoryLimit + 1536 + (typescript ? 2048 : 0)) * 1024 * 1024;
}

/**
 * Node with the heap limit, on the guest entry. From TypeScript source (this repository's tests),
 * tsx's loader is given by its path (the jail's working directory is `/tmp`).
 */
function guestCommand(memoryLimit: number, entry: { file: string; typescript: boolean }): string[] {
  // Without the trap handler, WebAssembly checks its bounds itself instead of reserving 10 GiB of
  // address space per memory, which the address-space cap would refuse.
  const node = [process.execPath, `--max-old-space-size=${memoryLimit}`, '--disable-wasm-trap-handler'];
  if (!entry.typescript) return [...node, entry.file, GUEST_MARKER];
  const tsx = pathToFileURL(createRequire(entry.file).resolve('tsx')).href;
  const flags = process.execArgv.map((flag) => (flag === 'tsx' ? tsx : flag));
  return [...node, ...flags, entry.file, GUEST_MARKER];
}
