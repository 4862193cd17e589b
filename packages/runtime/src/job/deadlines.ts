const MAX_DELAY = 2 ** 31 - 1;

/** What a deadline list holds: linked in place, so adding and removing allocate nothing. */
export interface Deadline {
  /** When it expires, in `performance.now()` time. */
  due: number;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  /** Whether it is in a list now. */
  listed: boolean;
}

/**
 * Time limits without a timer per request. Entries that share one duration expire in the order
 * they were added, so a list per duration with one timer, armed for its head, holds them all:
 * `add` and `remove` are O(1), and a request that ends in time costs two pointer updates instead
 * of a `Timeout` object made, linked and unlinked. The timer keeps the process alive only while
 * the list holds entries (as a pending `setTimeout` would).
 */
export class DeadlineList<T extends Deadline> {
  readonly duration: number;
  #head: T | undefined;
  #tail: T | undefined;
  #timer: NodeJS.Timeout | undefined;
  readonly #expire: (entry: T) => void;

  constructor(duration: number, expire: (entry: T) => void) {
    this.duration = duration;
    this.#expire = expire;
  }

  /** Add `entry`, due `duration` ms after `started` (a `performance.now()` time no earlier than the last entry's). */
  add(entry: T, started: number): void {
    entry.due = started + this.duration;
    entry.next = undefined;
    entry.prev = this.#tail;
    entry.listed = true;
    if (this.#tail) this.#tail.next = entry;
    else {
      this.#head = entry;
      // The timer, if armed, is due no later than this entry: an earlier head armed it.
      if (this.#timer) this.#timer.ref();
      else this.#arm(entry.due);
    }
    this.#tail = entry;
  }

  /** Take `entry` out (it ended in time); nothing when it is not in the list. */
  remove(entry: T): void {
    if (!entry.listed) return;
    entry.listed = false;
    if (entry.prev) entry.prev.next = entry.next;
    else this.#head = entry.next as T | undefined;
    if (entry.next) entry.next.prev = entry.prev;
    else this.#tail = entry.prev as T | undefined;
    entry.prev = entry.next = undefined;
    if (!this.#head) this.#timer?.unref();
  }

  #arm(due: number): void {
    // setTimeout takes at most 2^31 - 1 ms: a later deadline is reached by re-arming when it fires.
    this.#timer = setTimeout(this.#fire, Math.min(MAX_DELAY, Math.max(0, Math.ceil(due - performance.now()))));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    let head = this.#head;
    while (head && head.due <= now) {
      this.remove(head);
      this.#expire(head);
      head = this.#head;
    }
    if (head && !this.#timer) this.#arm(head.due);
  };
}

/**
 * The lists of one expiry handler, one per duration, each made on first use: `deadlineLists(expire)(ms)`.
 * Each user of deadlines keeps its own family, so a duration's list always expires its entries the
 * same way.
 */
export function deadlineLists<T extends Deadline>(expire: (entry: T) => void): (duration: number) => DeadlineList<T> {
  const lists = new Map<number, DeadlineList<T>>();
  return (duration) => {
    let list = lists.get(duration);
    if (!list) lists.set(duration, (list = new DeadlineList(duration, expire)));
    return list;
  };
}
