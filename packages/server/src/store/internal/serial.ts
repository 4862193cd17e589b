/** Runs tasks one after another per key; tasks of different keys run concurrently. */
export interface Serial {
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
  /** Resolves when every task queued so far has settled. */
  idle(): Promise<void>;
}

/**
 * A promise chain per key: a task starts when the previous task of its key has settled, so two
 * writes to one webtask never interleave (the file, the index and the etag check stay one step).
 * A key's chain is dropped once its last task settles, so idle keys cost nothing.
 */
export function createSerial(): Serial {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      const result = previous.then(task);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.all(tails.values());
    },
  };
}
