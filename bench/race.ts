/**
 * Time a batch of `n` operations and return the nanoseconds per operation. Whatever must not be
 * timed (building inputs) happens inside the batch before its clock starts.
 */
export type Batch = (n: number) => number;

/** One row of a benchmark: the contenders that are compared with each other. */
export interface Lane<C extends string> {
  readonly name: string;
  readonly contenders: Readonly<Record<C, Batch>>;
}

export interface RaceOptions {
  /** Rounds whose times are kept; the median is taken over them. */
  readonly rounds: number;
  /** Rounds run first and thrown away, so that every contender is optimised before timing starts. */
  readonly warmup: number;
  /** Operations per batch. */
  readonly n: number;
}

/** Per lane, per contender: the nanoseconds per operation of each kept round. */
export type Samples<C extends string> = Record<string, Record<C, number[]>>;

/**
 * Run every contender of every lane once per round, round after round, so that drift on a shared
 * machine (frequency scaling, neighbours, GC pressure) falls on all contenders alike. Within a
 * lane the starting contender rotates each round, so none is always the one that runs right after
 * another's garbage.
 */
export function race<C extends string>(lanes: readonly Lane<C>[], names: readonly C[], options: RaceOptions): Samples<C> {
  const samples: Samples<C> = {};
  for (const lane of lanes) {
    samples[lane.name] = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<C, number[]>;
  }
  for (let round = 0; round < options.warmup + options.rounds; round++) {
    for (const lane of lanes) {
      for (let k = 0; k < names.length; k++) {
        const name = names[(round + k) % names.length] as C;
        const perOp = lane.contenders[name](options.n);
        if (round >= options.warmup) samples[lane.name]![name].push(perOp);
      }
    }
  }
  return samples;
}

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * A timing loop of its own for one contender of one lane: `call` (an expression over `target`,
 * `args` and the index `i`) run `n` times, returning nanoseconds per call. One shared loop would
 * be one call site fed by every hook and handler; the contender timed after the others would then
 * meet a megamorphic site the others did not, and which one varies from process to process. The
 * label makes each source text unique, so V8 does not hand two loops the same compiled code and
 * feedback.
 */
export function timingLoop(label: string, call: string): (target: unknown, args: unknown, n: number) => number {
  const source = `// ${label}
const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) ${call};
return Number(process.hrtime.bigint() - start) / n;`;
  return new Function('target', 'args', 'n', source) as (target: unknown, args: unknown, n: number) => number;
}
