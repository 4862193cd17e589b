// The entry of a worker thread or child process of the `worker` and `process` executors. It
// serves only when started as one (the marker), so importing it elsewhere does nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { GUEST_MARKER } from './executor/guest-entry.ts';
import { serveGuest } from './executor/guest.ts';
import { installEgressClient } from './executor/egress/client.ts';
import type { GuestMessage, HostMessage } from './executor/types.ts';

/** Whether this module is serving as an executor's guest (a worker thread or a child process). */
export const serving: boolean = start();

function start(): boolean {
  const port = parentPort;
  if (port && (workerData as Record<string, unknown> | null)?.[GUEST_MARKER] === true) {
    serveGuest({ send: (message: GuestMessage) => port.postMessage(message), onMessage: (listener) => void port.on('message', listener) });
    return true;
  }
  if (process.send && process.argv.includes(GUEST_MARKER)) {
    const send = process.send.bind(process);
    // In a jail: the network is the host's egress gate, before any user code runs.
    const gate = process.env.EXT_COMPILERS_EGRESS;
    if (gate !== undefined) {
      delete process.env.EXT_COMPILERS_EGRESS;
      installEgressClient(gate);
    }
    // Orphaned by a host that died: nothing can reach this child any more.
    process.on('disconnect', () => process.exit(0));
    serveGuest({ send: (message: GuestMessage) => void send(message), onMessage: (listener) => void process.on('message', (message) => listener(message as HostMessage | HostMessage[])) });
    return true;
  }
  return false;
}
