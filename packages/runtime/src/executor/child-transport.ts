import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { frameWriter, readFrames } from './frames.ts';
import type { Fault } from '../answers/answers.ts';
import { GUEST_MARKER, guestEntry } from './guest-entry.ts';
import type { GuestMessage } from './types.ts';
import type { Transport } from './pool/pool-settings.ts';

// V8's message when a heap limit is reached: the child aborts, so its stderr is the only witness.
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|Fatal process out of memory|Allocation failed/;

/**
 * A child process with a heap limit and Node's permission model: it may read files, write only
 * in `writableDir`, and may not start processes or workers (denied by default under the model),
 * nor load native addons. Messages use the structured-clone serialisation, so bodies cross as bytes.
 */
export function spawnChild(limits: ChildLimits, writableDir: string): Transport {
  const entry = guestEntry();
  const flags = [...permissionFlags(writableDir, entry.typescript), `--max-old-space-size=${limits.memoryLimit}`];
  const child = spawn(process.execPath, [...flags, entry.file, GUEST_MARKER], {
    // Nothing of the server's environment (its keys, its database URL) reaches a guest.
    env: entry.typescript ? { TSX_DISABLE_CACHE: '1' } : {},
    stdio: CHILD_STDIO,
  });
  return childTransport(child, limits);
}

/**
 * A child guest's stdio: no stdin, no stdout, a piped stderr (only its tail is kept), and the frame
 * channel on fd 3. User code writing to its stdout or stderr directly (console is the host's
 * channel) never reaches the server's: it could flood the operator's log or forge lines in it.
 */
const CHILD_STDIO: ['ignore', 'ignore', 'pipe', 'pipe'] = ['ignore', 'ignore', 'pipe', 'pipe'];

export interface ChildLimits {
  /** The heap limit, in MB. */
  memoryLimit: number;
  /** The largest answer body a guest may send (`maxResponseSize`): a message past it and 1 MiB more is never read. */
  responseLimit: number;
}

// What a message may hold besides an answer's body: its headers, a storage document (500 KB at most).
const MESSAGE_OVERHEAD = 1024 * 1024;

/**
 * The transport of a guest process started with `CHILD_STDIO`: messages are frames on fd 3 (a
 * frame past the limit stops the guest unread: the answer is the 502 of a too large response); of its stderr only the tail is
 * kept (to tell a heap exhaustion from a crash), and `kill` is SIGKILL. `onExited` runs
 * once it has exited (a jail's cleanup).
 */
export function childTransport(child: ChildProcess, limits: ChildLimits, onExited?: () => void): Transport {
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (onExited) void exited.then(onExited);
  const channel = child.stdio[3] as Readable & Writable;
  const listeners: ((message: GuestMessage) => void)[] = [];
  const refused = readGuestFrames(channel, limits.responseLimit, listeners, () => void stop(child, exited));
  return {
    send: frameWriter(channel),
    onMessage: (listener) => void listeners.push(listener),
    onExit: (listener) => void child.once('exit', (code, signal) => listener(refused() ?? faultOf(code, signal, stderrTail, limits.memoryLimit))),
    kill: () => stop(child, exited),
  };
}

/**
 * A guest's frames from `stream` to `listeners`, read up to `responseLimit` and MESSAGE_OVERHEAD
 * more. A frame past that, or one that does not decode, calls `stop`; the function returned
 * then gives the fault to answer with (a too large response, or a protocol fault).
 */
export function readGuestFrames(stream: Readable, responseLimit: number, listeners: ((message: GuestMessage) => void)[], stop: () => void): () => Fault | undefined {
  let refused: Fault | undefined;
  readFrames(stream, responseLimit + MESSAGE_OVERHEAD, (message) => listeners.forEach((listener) => listener(message as GuestMessage)), (reason) => {
    refused = reason.startsWith('over') ? { kind: 'too-large', limit: responseLimit } : { kind: 'protocol', message: `it sent ${reason}` };
    stop();
  });
  return () => refused;
}

// Node 20 names the permission model `--experimental-permission`; Node 22.13+ made it stable as
// `--permission` (Node 24 refuses the old name). Asked of the Node that runs us, which is the
// Node the child runs on (`process.execPath`).
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/**
 * Built entry: the permission model and nothing else. From TypeScript source (this repository's
 * tests), tsx's loader needs a loader thread and esbuild's service process, so the child also
 * gets `--allow-worker` and `--allow-child-process` and the parent's loader flags: a development
 * concession the built package never makes.
 */
function permissionFlags(writableDir: string, typescript: boolean): string[] {
  const flags = [PERMISSION_FLAG, '--allow-fs-read=*', `--allow-fs-write=${writableDir}`, '--disable-warning=ExperimentalWarning'];
  if (!typescript) return flags;
  return [...process.execArgv, ...flags, '--allow-worker', '--allow-child-process', '--disable-warning=SecurityWarning'];
}

function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  return exited;
}

/** Why a guest process ended, from its exit and the tail of its stderr. */
export function faultOf(code: number | null, signal: NodeJS.Signals | null, stderr: string, limit: number): Fault {
  if (OUT_OF_MEMORY.test(stderr)) return { kind: 'memory', limit };
  if (signal) return { kind: 'crash', message: `killed by ${signal}` };
  return { kind: 'exit', code };
}
