/**
 * What a node keeps of the database, by key, valid until a notice says otherwise. A read that
 * races a change must not put back what the change replaced: a read takes a `mark()` before it
 * asks the database, and its `fill()` is dropped when its key (or everything) was dropped since.
 * Nothing is kept while `live()` is false (the node may be missing notices).
 */
export class NodeCache<V> {
  readonly #entries = new Map<string, V>();
  // The tick of each key's last drop; keys not in it were last dropped at `#floor` at the latest.
  readonly #dropped = new Map<string, number>();
  #tick = 0;
  #floor = 0;
  readonly #max: number;
  readonly #live: () => boolean;

  constructor(max: number, live: () => boolean) {
    this.#max = max;
    this.#live = live;
  }

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  mark(): number {
    return this.#tick;
  }

  fill(key: string, value: V, mark: number): void {
    if (!this.#live() || (this.#dropped.get(key) ?? this.#floor) > mark) return;
    if (this.#entries.size >= this.#max && !this.#entries.has(key)) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, value);
  }

  drop(key: string): void {
    this.#tick++;
    this.#entries.delete(key);
    // Remembering every dropped key forever would grow without end: past the bound, all count as dropped now.
    if (this.#dropped.size >= this.#max) this.clear();
    else this.#dropped.set(key, this.#tick);
  }

  clear(): void {
    this.#tick++;
    this.#floor = this.#tick;
    this.#entries.clear();
    this.#dropped.clear();
  }
}
