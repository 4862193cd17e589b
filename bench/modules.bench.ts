/**
 * Issue #3's benchmark: compiling a `'use npm'` script with 20 versioned requires, side by side in
 * one process with webtask-runtime@2.0.0's `compile()` (its `installModules` stubbed, as the issue
 * measured it) and with our own compile of the same script without the directive (the floor).
 * Ours is `prepare()` against a store that already holds the 20 versions, then a CommonJS compile
 * (`nodejsCompiler`, Module#_compile) of the result. Every compile sees a new source text.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodejsCompiler } from '@ext-compilers/conformance';
import { createModuleStore, prepare } from '@ext-compilers/modules';
import { type Batch, median } from './race.ts';

const runtime = createRequire(import.meta.url)('webtask-runtime') as {
  compile(code: string, options: object, cb: (error: Error | null, fn?: unknown) => void): void;
};

const COUNT = 20;
const TARGETS = { oursVsReference: 10, oursVsFloor: 3 } as const;
const OPTIONS = { warmup: 5, rounds: 61, n: 50 };

/** A store in verquire's layout holding fixture-0@1.0.0 … fixture-19@1.19.0, written by hand. */
function populatedStore(): { root: string; packages: string[] } {
  // The rewritten requires hold the store's path, and compile time grows with source length, so
  // the store sits at a path as long as the platform's `/data/_verquire` (15 characters).
  const root = mkdtempSync(join(tmpdir(), 'vq-'));
  const index: Record<string, string[]> = {};
  const packages: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const name = `fixture-${i}`;
    const version = `1.${i}.0`;
    const dir = join(root, name, version, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
    writeFileSync(join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
    index[name] = [version];
    packages.push(`${name}@${version}`);
  }
  writeFileSync(join(root, 'packages.json'), JSON.stringify(index));
  return { root, packages };
}

/** A typical hook: the 20 requires at the top of its function, the rest ordinary code. */
function script(packages: readonly string[], directive: boolean): string {
  const requires = packages.map((spec, i) => `  const m${i} = require('${spec}');`).join('\n');
  return `${directive ? "'use npm';\n" : ''}module.exports = function (ctx, cb) {
${requires}
  const loaded = [${packages.map((_, i) => `m${i}`).join(', ')}];
  if (ctx.body && ctx.body.fail) return cb(new Error('failed on purpose'));
  cb(null, { loaded: loaded.length, first: loaded[0] });
};
`;
}

let serial = 0;
function fresh(source: string, n: number): string[] {
  return Array.from({ length: n }, () => `${source}// compile ${serial++}\n`);
}

const silent = { info() {}, warn() {}, error() {} };
const { root, packages } = populatedStore();
const store = createModuleStore({ root });
const withDirective = script(packages, true);
const without = script(packages, false);

/** Stop unless ours really loads the store's versions: prepare, compile and call the hook once. */
async function check(): Promise<void> {
  const prepared = await prepare(withDirective, { store, install: false });
  let hook: ((ctx: object, cb: (error: unknown, data: { first: string }) => void) => void) | undefined;
  nodejsCompiler(prepared.code, (error, exported) => {
    if (error) throw error;
    hook = exported as typeof hook;
  });
  hook?.({}, (error, data) => {
    if (error || data.first !== 'fixture-0@1.0.0') throw new Error(`the prepared code loaded ${JSON.stringify(data)}`);
  });
}

const reference: Batch = (n) => {
  const scripts = fresh(withDirective, n);
  const start = process.hrtime.bigint();
  for (const s of scripts) runtime.compile(s, { installModules: (_: string[], cb: () => void) => cb(), logger: silent }, (e) => { if (e) throw e; });
  return Number(process.hrtime.bigint() - start) / n;
};

// prepare() is asynchronous (it may install); against a full store it settles without I/O, so the
// batch awaits each one: the figure includes one promise round trip per compile.
async function oursBatch(n: number): Promise<number> {
  const scripts = fresh(withDirective, n);
  const start = process.hrtime.bigint();
  for (const s of scripts) {
    const prepared = await prepare(s, { store, install: false });
    nodejsCompiler(prepared.code, (e) => { if (e) throw e; });
  }
  return Number(process.hrtime.bigint() - start) / n;
}

const floor: Batch = (n) => {
  const scripts = fresh(without, n);
  const start = process.hrtime.bigint();
  for (const s of scripts) nodejsCompiler(s, (e) => { if (e) throw e; });
  return Number(process.hrtime.bigint() - start) / n;
};

async function main(): Promise<void> {
  await check();
  // race() times synchronous batches; ours awaits, so the rounds are run here the same way:
  // interleaved, the starting contender rotating.
  const samples = { reference: [] as number[], ours: [] as number[], floor: [] as number[] };
  const order = ['reference', 'ours', 'floor'] as const;
  for (let round = 0; round < OPTIONS.warmup + OPTIONS.rounds; round++) {
    for (let k = 0; k < order.length; k++) {
      const who = order[(round + k) % order.length] as (typeof order)[number];
      const perOp = who === 'ours' ? await oursBatch(OPTIONS.n) : (who === 'reference' ? reference : floor)(OPTIONS.n);
      if (round >= OPTIONS.warmup) samples[who].push(perOp);
    }
  }
  const m = { reference: median(samples.reference), ours: median(samples.ours), floor: median(samples.floor) };
  const refOverOurs = m.reference / m.ours;
  const oursOverFloor = m.ours / m.floor;
  console.log(`\n## 'use npm' with ${COUNT} versioned requires (median per compile, ${OPTIONS.rounds} rounds of ${OPTIONS.n})\n`);
  console.log('| webtask-runtime compile µs | ours: prepare + compile µs | floor: our compile without the directive µs | reference/ours (≥ 10) | ours/floor (≤ 3) |');
  console.log('|--:|--:|--:|--:|--:|');
  const us = (ns: number): string => (ns / 1000).toFixed(1);
  console.log(`| ${us(m.reference)} | ${us(m.ours)} | ${us(m.floor)} | ${refOverOurs.toFixed(1)}x ${refOverOurs >= TARGETS.oursVsReference ? 'PASS' : 'FAIL'} | ${oursOverFloor.toFixed(2)}x ${oursOverFloor <= TARGETS.oursVsFloor ? 'PASS' : 'FAIL'} |`);
  console.log(`\nwebtask-runtime over its own compile without the directive is not measured here; ${process.version}`);
  rmSync(root, { recursive: true, force: true });
}

await main();
