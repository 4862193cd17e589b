import { Worker } from 'node:worker_threads';
import type { Fault } from '../answers/answers.ts';
import { GUEST_MARKER, guestEntry, typescriptBootstrap } from './guest-entry.ts';
import type { GuestMessage } from './types.ts';
import type { Transport } from './pool/pool-settings.ts';

/** A worker thread with a heap limit, running the guest entry. */
export function spawnWorker(memoryLimit: number): Transport {
  const entry = guestEntry();
  const options = { workerData: { [GUEST_MARKER]: true }, resourceLimits: { maxOldGenerationSizeMb: memoryLimit } };
  const worker = entry.typescript ? new Worker(typescriptBootstrap(entry.file), { ...options, eval: true }) : new Worker(entry.file, options);
  let error: Error | undefined;
  worker.on('error', (cause) => void (error = cause));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => void worker.on('message', (message: GuestMessage) => listener(message)),
    onExit: (listener) => void worker.once('exit', (code) => listener(faultOf(code, error, memoryLimit))),
    kill: async () => {
      await worker.terminate();
      await exited;
    },
  };
}

function faultOf(code: number, error: Error | undefined, limit: number): Fault {
  if ((error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return { kind: 'memory', limit };
  if (error) return { kind: 'crash', message: error.message };
  return { kind: 'exit', code };
}
