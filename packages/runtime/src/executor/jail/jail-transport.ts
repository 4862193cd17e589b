import { chmodSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Fault } from '../../answers/answers.ts';
import { frameWriter } from '../frames.ts';
import type { GuestMessage } from '../types.ts';
import { type SpawnedExit, spawnThroughSpawner } from './spawner.ts';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { type ChildLimits, faultOf, readGuestFrames } from '../child-transport.ts';
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
  /** A directory of the host seen at `/run/egress` inside, holding the egress gate's socket and the guest's channel: one per guest, closed with it. */
  egress: () => JailEgress;
}

/** A guest's own directory: the names of its egress gate's socket and of its channel's (unguessable), and its removal. */
export interface JailEgress {
  dir: string;
  socket: string;
  channel: string;
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
  const egress = settings.egress();
  const env: Record<string, string> = { HOME: '/tmp', EXT_COMPILERS_EGRESS: `${EGRESS_DIR}/${egress.socket}`, EXT_COMPILERS_CHANNEL: `${EGRESS_DIR}/${egress.channel}` };
  if (entry.typescript) env.TSX_DISABLE_CACHE = '1';
  const binds = [...settings.binds(), { source: egress.dir, dest: EGRESS_DIR }];
  const spec = { bwrap: settings.bwrap, uid: JAIL_UID_BASE + index, addressSpace: addressSpace(settings.memoryLimit, entry.typescript), tmpSize: settings.tmpSize, entryFile: entry.file, binds, env };
  const { file, args } = jailCommand({ ...spec, command: guestCommand(settings.memoryLimit, entry) });
  return channelTransport(egress, { memoryLimit: settings.memoryLimit, responseLimit: settings.responseLimit }, (onExit) => spawnThroughSpawner(file, args, onExit), () => {
    used.delete(index);
    void egress.close();
  });
}

/**
 * The transport of a jailed guest: its channel is a Unix socket of the host in the guest's own
 * directory (seen at /run/egress inside, under a name only the guest is told), listened on before
 * the guest is started through the spawner, and closed to any connection after the first; frames
 * as on fd 3 (a frame past the limit stops the guest unread).
 */
function channelTransport(dir: JailEgress, limits: ChildLimits, start: (onExit: (exit: SpawnedExit) => void) => { kill(): void }, onExited: () => void): Transport {
  const listeners: ((message: GuestMessage) => void)[] = [];
  const exitListeners: ((fault: Fault) => void)[] = [];
  let pending: unknown[] = [];
  let write: ((message: unknown) => void) | undefined;
  let refused: () => Fault | undefined = () => undefined;
  let guest: { kill(): void } | undefined;
  let ended = false;
  let resolveExited!: () => void;
  const exited = new Promise<void>((resolve) => (resolveExited = resolve));
  const end = (exit: SpawnedExit): void => {
    if (ended) return;
    ended = true;
    server.close();
    channel?.destroy();
    const fault = refused() ?? faultOf(exit.code, exit.signal, exit.stderrTail, limits.memoryLimit);
    for (const listener of exitListeners) listener(fault);
    onExited();
    resolveExited();
  };
  let channel: Socket | undefined;
  const server = createServer((socket) => {
    server.close();
    if (channel) return void socket.destroy();
    channel = socket;
    write = frameWriter(socket);
    for (const message of pending) write(message);
    pending = [];
    refused = readGuestFrames(socket, limits.responseLimit, listeners, () => guest?.kill());
  });
  server.listen(join(dir.dir, dir.channel), () => {
    chmodSync(join(dir.dir, dir.channel), 0o666);
    if (!ended) guest = start(end);
  });
  server.on('error', () => end({ code: null, signal: null, stderrTail: 'the channel of a jailed guest could not listen' }));
  return {
    send: (message) => (write ? write(message) : void pending.push(message)),
    onMessage: (listener) => void listeners.push(listener),
    onExit: (listener) => void exitListeners.push(listener),
    kill: () => {
      if (guest) guest.kill();
      else end({ code: null, signal: 'SIGKILL', stderrTail: '' });
      return exited;
    },
  };
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
