import type { WebtaskStore } from './webtask-store.ts';
import { type Backend, createIndexedStore } from './internal/indexed-store.ts';
import { plainVault } from './internal/vault.ts';

/**
 * A {@link WebtaskStore} that keeps everything in this process's memory and forgets it on exit:
 * for tests and throw-away servers. Same rules as the embedded store (names, limits, etags, meta
 * filters); secrets are not encrypted, since nothing is at rest.
 */
export function createMemoryStore(): WebtaskStore {
  const data = new Map<string, string>();
  const keyOf = (container: string, name: string): string => JSON.stringify([container, name]);
  const backend: Backend = {
    saveWebtask: async () => {},
    removeWebtask: async () => {},
    readData: async (container, name) => data.get(keyOf(container, name)),
    saveData: async (container, name, json) => {
      if (json === undefined) data.delete(keyOf(container, name));
      else data.set(keyOf(container, name), json);
    },
    close: async () => {},
  };
  return createIndexedStore({ webtasks: [], backend, vault: plainVault });
}
