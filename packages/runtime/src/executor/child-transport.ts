import { type ChildProcess, fork } from 'node:child_process';
import type { Fault } from '../answers/answers.ts';
import { GUEST_MARKER, guestEntry } from './guest-entry.ts';
import type { GuestMessage } from './types.ts';
import type { Transport } from './pool-settings.ts';

// V8's message when a heap limit is reached: the child aborts, so its stderr is the only witness.
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|Fatal process out of memory|Allocation failed/;

/**
 * A child process with a heap limit and Node's permission model: it may read files, write only
 * in `writableDir`, and may not start processes or workers (denied by default under the model),
 * nor load native addons. Messages use the structured-clone serialisation, so bodies cross as bytes.
 */
export function spawnChild(memoryLimit: number, writableDir: string): Transport {
  const entry = guestEntry();
  const child = fork(entry.file, [GUEST_MARKER], {
    execArgv: [...permissionFlags(writableDir, entry.typescript), `--max-old-space-size=${memoryLimit}`],
    // Nothing of the server's environment (its keys, its database URL) reaches a guest.
    env: entry.typescript ? { TSX_DISABLE_CACHE: '1' } : {},
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  return childTransport(child, memoryLimit);
}

/**
 * The transport of a guest process already started with an IPC channel and a piped stderr: its
 * stderr passes through (its tail kept to tell a heap exhaustion from a crash), and `kill` is
 * SIGKILL. `onExited` runs once it has exited (a jail's cleanup).
 */
export function childTransport(child: ChildProcess, memoryLimit: number, onExited?: () => void): Transport {
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString()).slice(-4096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (onExited) void exited.then(onExited);
  return {
    send: (message) => void (child.connected && child.send(message)),
    onMessage: (listener) => void child.on('message', (message) => listener(message as GuestMessage)),
    onExit: (listener) => void child.once('exit', (code, signal) => listener(faultOf(code, signal, stderrTail, memoryLimit))),
    kill: () => stop(child, exited),
  };
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

function faultOf(code: number | null, signal: NodeJS.Signals | null, stderr: string, limit: number): Fault {
  if (OUT_OF_MEMORY.test(stderr)) return { kind: 'memory', limit };
  if (signal) return { kind: 'crash', message: `killed by ${signal}` };
  return { kind: 'exit', code };
}
