import { type ChildProcess, spawn } from 'node:child_process';

// A guest's start is a fork: of the server, it copies the server's page tables while the server's
// event loop waits (~10 ms for a process holding 200 MB, measured), and a multi-tenant server
// starts guests all the time. So jailed guests are started by a small Node process of their own,
// the spawner, whose forks cost the server nothing. It reports each guest's exit and the tail of
// its stderr (to tell a heap exhaustion from a crash), kills a guest when asked, and ends when the
// server does (its guests then die with it: `--die-with-parent`). A guest's stdout and stderr never
// reach the server's: user code writing there directly (not through console, which is the host's
// channel) could flood the operator's log or forge lines in it.
const SPAWNER = `
const { spawn } = require('node:child_process');
const guests = new Map();
process.on('message', (m) => {
  if (m.kill !== undefined) {
    const guest = guests.get(m.kill);
    if (guest && guest.exitCode === null && guest.signalCode === null) guest.kill('SIGKILL');
    return;
  }
  const guest = spawn(m.file, m.args, { env: {}, stdio: ['ignore', 'ignore', 'pipe'] });
  guests.set(m.id, guest);
  let tail = '';
  guest.stderr.on('data', (chunk) => { tail = (tail + chunk).slice(-4096); });
  guest.on('error', (error) => { tail += String(error.message); });
  guest.on('exit', (code, signal) => { guests.delete(m.id); process.send({ id: m.id, code, signal, tail }); });
});
process.on('disconnect', () => process.exit(0));
`;

/** The spawner's last argument: what names it among the server's processes. */
export const SPAWNER_MARKER = 'ext-compilers-spawner';

/** How a guest started by the spawner ended. */
export interface SpawnedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
}

interface Spawner {
  child: ChildProcess;
  exits: Map<number, (exit: SpawnedExit) => void>;
  next: number;
}

let spawner: Spawner | undefined;

function theSpawner(): Spawner {
  if (spawner && spawner.child.connected) return spawner;
  const child = spawn(process.execPath, ['-e', SPAWNER, SPAWNER_MARKER], { env: {}, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started: Spawner = { child, exits: new Map(), next: 1 };
  child.on('message', (message: { id: number } & SpawnedExit & { tail: string }) => {
    const exit = started.exits.get(message.id);
    started.exits.delete(message.id);
    exit?.({ code: message.code, signal: message.signal, stderrTail: message.tail });
  });
  // A spawner that died took its guests with it: each is reported ended.
  child.once('exit', () => {
    for (const exit of started.exits.values()) exit({ code: null, signal: 'SIGKILL', stderrTail: 'the spawner of jailed guests ended' });
    started.exits.clear();
    if (spawner === started) spawner = undefined;
  });
  // The spawner does not keep the server alive.
  child.unref();
  (child as unknown as { channel?: { unref(): void } }).channel?.unref();
  spawner = started;
  return started;
}

/** Start `file args` through the spawner; `onExit` is called once, however it ended. */
export function spawnThroughSpawner(file: string, args: string[], onExit: (exit: SpawnedExit) => void): { kill(): void } {
  const own = theSpawner();
  const id = own.next++;
  own.exits.set(id, onExit);
  own.child.send({ id, file, args });
  return { kill: () => void (own.child.connected && own.child.send({ kill: id })) };
}
