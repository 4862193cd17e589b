// The entry of a worker thread or child process of the `worker`, `process` and `jail` executors. It
// serves only when started as one (the marker), so importing it elsewhere does nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { GUEST_MARKER } from './executor/guest-entry.ts';
import { connect, Socket } from 'node:net';
import { type GuestChannel, serveGuest } from './executor/guest.ts';
import { frameWriter, readFrames } from './executor/frames.ts';
import { installEgressClient } from './executor/egress/client.ts';
import type { GuestMessage, HostMessage } from './executor/types.ts';

// What the host sends is trusted (its webtasks and requests, bodies within its own limits).
const HOST_MESSAGE_LIMIT = 512 * 1024 * 1024;

/** Whether this module is serving as an executor's guest (a worker thread or a child process). */
export const serving: boolean = start();

function start(): boolean {
  const port = parentPort;
  if (port && (workerData as Record<string, unknown> | null)?.[GUEST_MARKER] === true) {
    serveGuest({ send: (message: GuestMessage) => port.postMessage(message), onMessage: (listener) => void port.on('message', listener) });
    return true;
  }
  if (process.argv.includes(GUEST_MARKER)) {
    // In a jail: the network is the host's egress gate, before any user code runs.
    const gate = process.env.EXT_COMPILERS_EGRESS;
    if (gate !== undefined) {
      delete process.env.EXT_COMPILERS_EGRESS;
      installEgressClient(gate);
    }
    serveGuest(hostChannel());
    return true;
  }
  return false;
}

/** The host's channel of a child guest: frames on fd 3, or on the socket a jailed guest is told of (see executor/frames.ts). */
function hostChannel(): GuestChannel {
  const path = process.env.EXT_COMPILERS_CHANNEL;
  delete process.env.EXT_COMPILERS_CHANNEL;
  const socket = path === undefined ? new Socket({ fd: 3, readable: true, writable: true }) : connect(path);
  // Orphaned by a host that died (or that stopped reading): nothing can reach this child any more.
  socket.on('close', () => process.exit(0));
  const send = frameWriter(socket);
  return {
    send: (message: GuestMessage) => send(message),
    onMessage: (listener) => readFrames(socket, HOST_MESSAGE_LIMIT, (message) => listener(message as HostMessage | HostMessage[]), () => process.exit(1)),
  };
}
