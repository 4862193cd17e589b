import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModuleStore } from '@ext-compilers/modules';
import { HttpError } from '../http/http-error.ts';
import { type AllowRule, allows, type ModulePolicy, policyRules } from './module-policy.ts';

/** Who may have which modules installed into the server's store. */
export interface ModuleGate {
  /**
   * Throws 403 unless `caller` may have `wanted` installed: the admin always; a tenant only with a
   * policy that allows every one of them, while the store is under the policy's `maxBytes`.
   */
  admit(caller: { readonly admin: boolean }, wanted: readonly { name: string; version: string }[]): Promise<void>;
  /** An install ended: the store's size is measured again before the next tenant install. */
  installed(): void;
}

// A measured size serves this long at most (installs made by other processes are seen after it).
const SIZE_TTL = 60_000;

export function createModuleGate(policy: ModulePolicy | undefined, store: ModuleStore | undefined): ModuleGate {
  const rules: AllowRule[] | undefined = policy === undefined ? undefined : policyRules(policy);
  let measured: { at: number; size: Promise<number> } | undefined;
  const size = (root: string): Promise<number> => {
    if (!measured || Date.now() - measured.at > SIZE_TTL) measured = { at: Date.now(), size: directorySize(root) };
    return measured.size;
  };
  return {
    async admit(caller, wanted) {
      if (caller.admin || wanted.length === 0) return;
      const first = wanted[0]!;
      if (rules === undefined) throw new HttpError(403, `Only the server's admin installs modules here (${first.name}@${first.version}): the server has no module policy for tenants.`);
      const refused = wanted.find(({ name, version }) => !allows(rules, name, version));
      if (refused) throw new HttpError(403, `The server's module policy does not allow ${refused.name}@${refused.version}: ask its admin to install it, or to allow it.`);
      const max = policy?.maxBytes;
      if (max === undefined || store === undefined) return;
      const used = await size(store.root);
      if (used >= max) throw new HttpError(403, `The module store holds ${used} bytes, at its limit of ${max} bytes for tenant installs: ask the server's admin.`);
    },
    installed() {
      measured = undefined;
    },
  };
}

/** The bytes of every file under `root` (0 when it does not exist yet). */
async function directorySize(root: string): Promise<number> {
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => lstat(join(directory, entry.name)).then((stats) => stats.size, () => 0));
    for (const entry of entries) if (entry.isDirectory()) pending.push(join(directory, entry.name));
    for (const bytes of await Promise.all(files)) total += bytes;
  }
  return total;
}
