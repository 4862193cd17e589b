import { HttpError } from '../http/http-error.ts';
import { createSerial } from '../store/internal/serial.ts';
import type { WebtaskStore } from '../store/webtask-store.ts';

/** Each container's webtask count, checked where webtasks are created. */
export interface WebtaskQuota {
  /** 403 when `container/name` would be a new webtask of a container at its limit: a cheap early check, before any install. */
  check(container: string, name: string): Promise<void>;
  /** Run `put` (a create or a replace of `container/name`), refusing a create with 403 when the container is at its limit. */
  put<T>(container: string, name: string, put: () => Promise<T>): Promise<T>;
}

/**
 * Creates in one container take turns (check, then write), so two concurrent creates never pass
 * the limit together; a replace needs no turn, as it never changes the count. Creates are rare
 * and cheap to serialise (their modules are installed before their turn); storage writes, which
 * are neither, are bounded by the store itself (`containerLimit`).
 */
export function createWebtaskQuota(store: WebtaskStore, max: number): WebtaskQuota {
  const creates = createSerial();
  const check = async (container: string, name: string): Promise<void> => {
    if ((await store.get(container, name)) !== undefined) return;
    if ((await store.usage(container)).webtasks < max) return;
    throw new HttpError(403, `Container ${container} has reached its limit of ${max} webtasks: delete one to create another.`);
  };
  return {
    check,
    async put(container, name, put) {
      if ((await store.get(container, name)) !== undefined) return put();
      return creates.run(container, async () => {
        await check(container, name);
        return put();
      });
    },
  };
}
