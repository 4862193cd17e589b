import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepare } from '@ext-compilers/modules';
import { mayUseNpm } from '../../compile/use-npm.ts';
import { createLru } from '../../compile/cache.ts';
import type { Executor, ExecutorOptions, JobWebtask } from '../types.ts';
import { moduleStore } from '../webtasks.ts';
import { createPool } from '../pool/pool.ts';
import { poolSettings } from '../pool/pool-settings.ts';
import type { Bind } from './binds.ts';
import { type JailEgress, spawnJail } from './jail-transport.ts';
import { createEgressGate, type EgressGate, parseEgressAllow } from '../egress/index.ts';
import { jailSupport } from './support.ts';

export const DEFAULT_TMP_SIZE: number = 16 * 1024 * 1024;

/**
 * A pool of jailed guests (see `spawnJail`), each serving one container for its whole life.
 * Throws, saying what is missing, where this machine cannot jail (`jailSupport()`).
 */
export function createJailExecutor(options: ExecutorOptions = {}): Executor {
  const support = jailSupport();
  if (!support.ok) throw new Error(`The jail sandbox is not available here: ${support.problem}`);
  const settings = poolSettings(options);
  const tmpSize = options.tmpSize ?? DEFAULT_TMP_SIZE;
  if (!Number.isInteger(tmpSize) || tmpSize < 1024 * 1024) throw new TypeError('tmpSize must be an integer of at least 1 MiB');
  const modules = jailModules();
  const gate = createEgressGate({ allow: parseEgressAllow(options.allowEgress ?? []) });
  const spawn = (container: string) => spawnJail({ bwrap: support.bwrap!, memoryLimit: settings.memoryLimit, tmpSize, responseLimit: settings.maxResponseSize, binds: modules.binds, egress: () => egressFor(gate, container, options.onEgress) });
  const pool = createPool(spawn, settings, 'jail');
  return {
    run: (job) => modules.ready(job.webtask, () => pool.run(job)),
    serve: (job, req, res) => modules.ready(job.webtask, () => pool.serve(job, req, res)),
    close: async () => {
      await pool.close();
      await gate.close();
    },
  };
}

/**
 * A guest's own directory (seen at /run/egress inside): a socket of the egress gate, which reports
 * what `container`'s guest sent, received and was refused, and the guest's channel to the host.
 * Removed with the guest.
 */
function egressFor(gate: EgressGate, container: string, report: ExecutorOptions['onEgress']): JailEgress {
  // Other users of the host may pass through (0711) but not list it: the names inside are random.
  const dir = mkdtempSync(join(tmpdir(), 'ext-compilers-guest-'));
  chmodSync(dir, 0o711);
  const socket = `gate-${randomBytes(12).toString('hex')}.sock`;
  const listening = gate.listen(join(dir, socket), {
    onBytes: (sent, received) => report?.({ container, sent, received }),
    onRefused: (line) => report?.({ container, sent: 0, received: 0, refused: line }),
  });
  // A guest connecting before the socket listens gets ENOENT, as with any gate that is down.
  listening.catch(() => undefined);
  return {
    dir,
    socket,
    channel: `channel-${randomBytes(12).toString('hex')}.sock`,
    close: async () => {
      await (await listening.catch(() => undefined))?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The module stores of the executor's webtasks, seen read-only by guests started after a webtask
 * named them. A guest can neither install (no network, nothing writable) nor change an installed
 * module: the host installs what a `'use npm'` webtask requires before its first job runs.
 */
function jailModules(): { binds(): Bind[]; ready<T>(webtask: JobWebtask, then: () => Promise<T>): Promise<T> } {
  const stores = new Map<string, Bind>();
  const prepared = createLru<Promise<unknown>>(1000);
  return {
    binds: () => [...stores.values()],
    ready(webtask, then) {
      const root = webtask.options.modulesRoot;
      if (root === undefined) return then();
      if (!stores.has(root)) {
        // Bound from the first job on (a guest's binds are fixed at its start), made if missing.
        mkdirSync(root, { recursive: true });
        stores.set(root, { source: root, dest: root });
      }
      if (!mayUseNpm(webtask.code)) return then();
      let installing = prepared.get(webtask.id);
      // What fails to install fails again in the guest, where the compile reports it as it always does.
      if (!installing) prepared.set(webtask.id, (installing = moduleStore(root).then((store) => prepare(webtask.code, { store, install: true })).catch(() => undefined)));
      return installing.then(then);
    },
  };
}

