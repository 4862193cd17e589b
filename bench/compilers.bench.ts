/**
 * The benchmark of issue #2: compiling and invoking a typical hook at each of the seven points with
 * ext-compilers, side by side with auth0-ext-compilers@6.1.0 and with the floor no compiler can
 * beat, in one process. `npm run bench`; bench/README.md says what is measured and why.
 */
import { createRequire } from 'node:module';
import { nodejsCompiler } from '@ext-compilers/conformance';
import type {
  CompilerOptions,
  ExtensibilityHandler,
  WebtaskCompiler,
  WebtaskContext,
  WebtaskRequest,
  WebtaskResponse,
} from '@ext-compilers/core';
import * as ours from 'ext-compilers';
import { type BenchPoint, POINTS, type PointName } from './points.ts';
import { type Batch, type Lane, median, race, type Samples, timingLoop } from './race.ts';
import { describeMachine, machineNote, writeResults } from './report.ts';

const reference = createRequire(import.meta.url)('auth0-ext-compilers') as Record<PointName, WebtaskCompiler>;
const compilers = ours as unknown as Record<PointName, WebtaskCompiler>;

const TARGETS = { compileVsReference: 2, compileVsBare: 1.2, invokeVsFloor: 1.2 } as const;
const COMPILE = { rounds: 31, warmup: 5, n: 60 } as const;
const INVOKE = { rounds: 31, warmup: 5, n: 4000 } as const;
const SECRET = 'c2VjcmV0LWZvci10aGUtYmVuY2htYXJrLTMyYnl0ZXM';

type CompileContender = 'bare' | 'reference' | 'ours';
type InvokeContender = 'floor' | 'reference' | 'ours';
type Compile = (script: string, cb: (error: Error | null, value?: unknown) => void) => void;

// Results land here so that no call's work can be dropped as dead code.
let sink: unknown;
const keep = (error: Error | null, value?: unknown): void => {
  if (error) throw error;
  sink = value;
};

// V8 caches compiled code by source text, so every compile of every contender gets a source never
// compiled before: the hook plus a trailing comment with a process-wide serial number.
let serial = 0;
function freshScripts(hook: string, n: number): string[] {
  const scripts = new Array<string>(n);
  for (let i = 0; i < n; i++) scripts[i] = `${hook}\n// compile ${serial++}\n`;
  return scripts;
}

function compileBatch(label: string, compile: Compile, hook: string): Batch {
  const loop = timingLoop(label, 'target(args[0][i], args[1])');
  return (n) => loop(compile, [freshScripts(hook, n), keep], n);
}

function viaCompiler(compiler: WebtaskCompiler, nodejs: CompilerOptions['nodejsCompiler'] = nodejsCompiler): Compile {
  return (script, cb) => compiler({ script, nodejsCompiler: nodejs, secrets: {}, meta: {} }, cb);
}

function compileLane(point: BenchPoint): Lane<CompileContender> {
  return {
    name: point.name,
    contenders: {
      bare: compileBatch(`compile bare ${point.name}`, nodejsCompiler, point.hook),
      reference: compileBatch(`compile reference ${point.name}`, viaCompiler(reference[point.name]), point.hook),
      ours: compileBatch(`compile ours ${point.name}`, viaCompiler(compilers[point.name]), point.hook),
    },
  };
}

/** A response that only keeps what was written: no HTTP, no socket. */
interface FakeResponse extends WebtaskResponse {
  status: number;
  body: string;
}
function fakeResponse(): FakeResponse {
  return {
    status: 0,
    body: '',
    writeHead(status) {
      this.status = status;
    },
    end(chunk) {
      this.body = chunk ?? '';
    },
  };
}

const REQUEST = { method: 'POST', headers: {} } as WebtaskRequest;

function context(point: BenchPoint, withSecret: boolean): WebtaskContext {
  return withSecret
    ? { headers: { authorization: `Bearer ${SECRET}` }, secrets: { 'auth0-extension-secret': SECRET }, body: point.body() }
    : { headers: {}, secrets: {}, body: point.body() };
}

function compileOnce(compile: Compile, script: string): unknown {
  let result: unknown;
  compile(script, (error, value) => {
    if (error) throw error;
    result = value;
  });
  return result;
}

function handlerBatch(label: string, handler: ExtensibilityHandler, ctx: WebtaskContext, res: FakeResponse): Batch {
  const loop = timingLoop(label, 'target(args[0], args[1], args[2])');
  return (n) => loop(handler, [ctx, REQUEST, res], n);
}

/** The floor: the hook called directly with its arguments, its result serialised in its callback. */
function floorBatch(label: string, point: BenchPoint, ctx: WebtaskContext): Batch {
  const fn = compileOnce(nodejsCompiler, point.hook) as (...args: unknown[]) => void;
  const callback = (error: unknown, data?: unknown): void => {
    if (error) throw error;
    sink = JSON.stringify(data);
  };
  const call = [...point.args(ctx.body as Record<string, unknown>, ctx), callback];
  const loop = timingLoop(label, 'target.apply(undefined, args)');
  return (n) => loop(fn, call, n);
}

interface InvokeSetup {
  lane: Lane<InvokeContender>;
  /** What the reference and ours answered to one call, to check they agree before timing. */
  check: () => { reference: string; ours: string; floor: string };
}

function invokeSetup(point: BenchPoint, withSecret: boolean): InvokeSetup {
  const label = (who: string): string => `invoke ${who} ${point.name}${withSecret ? ' bearer' : ''}`;
  const setups = (['reference', 'ours'] as const).map((who) => {
    const compiler = who === 'reference' ? reference[point.name] : compilers[point.name];
    const handler = compileOnce(viaCompiler(compiler), point.hook) as ExtensibilityHandler;
    const ctx = context(point, withSecret);
    const res = fakeResponse();
    return { handler, ctx, res, batch: handlerBatch(label(who), handler, ctx, res) };
  });
  const [ref, our] = setups as [(typeof setups)[number], (typeof setups)[number]];
  const floor = floorBatch(label('floor'), point, context(point, withSecret));
  return {
    lane: { name: point.name, contenders: { floor, reference: ref.batch, ours: our.batch } },
    check: () => {
      ref.handler(ref.ctx, REQUEST, ref.res);
      our.handler(our.ctx, REQUEST, our.res);
      floor(1);
      return { reference: ref.res.body, ours: our.res.body, floor: sink as string };
    },
  };
}

/** Stop before timing anything if ours and the reference disagree, or the hook failed. */
function checkAnswers(setups: readonly InvokeSetup[]): void {
  for (const setup of setups) {
    const { reference: ref, ours: our, floor } = setup.check();
    const answer = JSON.parse(our) as { status: string; data?: unknown };
    if (ref !== our || answer.status !== 'success') {
      throw new Error(`${setup.lane.name}: ours answered ${our}, the reference ${ref}`);
    }
    if (floor !== 'undefined' && floor !== undefined && JSON.stringify(answer.data) !== floor) {
      throw new Error(`${setup.lane.name}: the floor computed ${floor}, ours ${our}`);
    }
  }
}

/** Stop if a compiler answers without compiling: each compile must reach the nodejsCompiler once. */
function checkNoCache(): void {
  for (const point of POINTS) {
    for (const [who, compiler] of [
      ['reference', reference[point.name]],
      ['ours', compilers[point.name]],
    ] as const) {
      let calls = 0;
      const counting: CompilerOptions['nodejsCompiler'] = (script, cb) => {
        calls++;
        nodejsCompiler(script, cb);
      };
      const handlers = freshScripts(point.hook, 3).map((script) => compileOnce(viaCompiler(compiler, counting), script));
      if (calls !== 3 || new Set(handlers).size !== 3) throw new Error(`${who} ${point.name}: compiles are cached`);
    }
  }
}

interface Row {
  point: string;
  median_ns: Record<string, number>;
  ratios: Record<string, number>;
  pass: Record<string, boolean>;
  samples_ns: Record<string, number[]>;
}

function compileRows(samples: Samples<CompileContender>): Row[] {
  return Object.entries(samples).map(([point, byContender]) => {
    const m = medians(byContender);
    const refOverOurs = m.reference / m.ours;
    const oursOverBare = m.ours / m.bare;
    return {
      point,
      median_ns: m,
      ratios: { reference_over_ours: refOverOurs, ours_over_bare: oursOverBare },
      pass: {
        [`ours at least ${TARGETS.compileVsReference}x the reference's rate`]: refOverOurs >= TARGETS.compileVsReference,
        [`ours within ${TARGETS.compileVsBare}x of bare nodejsCompiler`]: oursOverBare <= TARGETS.compileVsBare,
      },
      samples_ns: rounded(byContender),
    };
  });
}

function invokeRows(samples: Samples<InvokeContender>): Row[] {
  return Object.entries(samples).map(([point, byContender]) => {
    const m = medians(byContender);
    const oursOverFloor = m.ours / m.floor;
    return {
      point,
      median_ns: m,
      ratios: { ours_over_floor: oursOverFloor, reference_over_ours: m.reference / m.ours },
      pass: { [`ours within ${TARGETS.invokeVsFloor}x of the floor`]: oursOverFloor <= TARGETS.invokeVsFloor },
      samples_ns: rounded(byContender),
    };
  });
}

function medians<C extends string>(byContender: Record<C, number[]>): Record<C, number> {
  return Object.fromEntries(Object.entries<number[]>(byContender).map(([name, values]) => [name, median(values)])) as Record<C, number>;
}

function rounded(byContender: Record<string, number[]>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(byContender).map(([name, values]) => [name, values.map((v) => Math.round(v * 10) / 10)]));
}

const verdict = (ok: boolean | undefined): string => (ok ? 'PASS' : 'FAIL');
const x = (ratio: number | undefined): string => `${(ratio ?? Number.NaN).toFixed(2)}x`;

function compileTable(rows: readonly Row[]): string {
  const lines = [
    '| point | bare nodejsCompiler µs | reference µs | ours µs | ref/ours (≥ 2) | ours/bare (≤ 1.2) |',
    '|---|--:|--:|--:|--:|--:|',
  ];
  for (const row of rows) {
    const [vsRef, vsBare] = Object.values(row.pass);
    const us = (name: string): string => ((row.median_ns[name] ?? Number.NaN) / 1000).toFixed(1);
    lines.push(
      `| ${row.point} | ${us('bare')} | ${us('reference')} | ${us('ours')} | ${x(row.ratios.reference_over_ours)} ${verdict(vsRef)} | ${x(row.ratios.ours_over_bare)} ${verdict(vsBare)} |`,
    );
  }
  return lines.join('\n');
}

function invokeTable(rows: readonly Row[]): string {
  const lines = ['| point | floor ns | reference ns | ours ns | ours/floor (≤ 1.2) | ref/ours |', '|---|--:|--:|--:|--:|--:|'];
  for (const row of rows) {
    const ns = (name: string): string => (row.median_ns[name] ?? Number.NaN).toFixed(0);
    lines.push(
      `| ${row.point} | ${ns('floor')} | ${ns('reference')} | ${ns('ours')} | ${x(row.ratios.ours_over_floor)} ${verdict(Object.values(row.pass)[0])} | ${x(row.ratios.reference_over_ours)} |`,
    );
  }
  return lines.join('\n');
}

/** One line per target: PASS only when every point meets it. */
function summary(sections: Record<string, readonly Row[]>): string[] {
  const lines: string[] = [];
  for (const [section, rows] of Object.entries(sections)) {
    for (const target of Object.keys(rows[0]?.pass ?? {})) {
      const failed = rows.filter((row) => !row.pass[target]).map((row) => row.point);
      const detail = failed.length ? ` (misses: ${failed.join(', ')})` : '';
      lines.push(`${verdict(failed.length === 0)}  ${section}: ${target}, ${rows.length - failed.length}/${rows.length} points${detail}`);
    }
  }
  return lines;
}

function main(): void {
  const began = Date.now();
  const machine = describeMachine();
  checkNoCache();
  const plain = POINTS.map((point) => invokeSetup(point, false));
  const bearer = POINTS.map((point) => invokeSetup(point, true));
  checkAnswers([...plain, ...bearer]);

  const compileNames = ['bare', 'reference', 'ours'] as const;
  const invokeNames = ['floor', 'reference', 'ours'] as const;
  const compile = compileRows(race(POINTS.map(compileLane), compileNames, COMPILE));
  const invoke = invokeRows(race(plain.map((s) => s.lane), invokeNames, INVOKE));
  const invokeBearer = invokeRows(race(bearer.map((s) => s.lane), invokeNames, INVOKE));
  const seconds = (Date.now() - began) / 1000;

  const sections = { compile, invoke, 'invoke with Bearer secret': invokeBearer };
  console.log(`\n## Compile (median per compile, ${COMPILE.rounds} rounds of ${COMPILE.n})\n\n${compileTable(compile)}`);
  console.log(`\n## Invoke (median per call, ${INVOKE.rounds} rounds of ${INVOKE.n})\n\n${invokeTable(invoke)}`);
  console.log(`\n## Invoke with the Bearer secret set\n\n${invokeTable(invokeBearer)}`);
  console.log(`\n${summary(sections).join('\n')}`);
  console.log(`\n${machineNote(machine, seconds)}`);

  writeResults('compilers', machine, seconds, {
    method: { compile: COMPILE, invoke: INVOKE, statistic: 'median of per-round ns/op; ratios are ratios of medians' },
    targets: TARGETS,
    summary: summary(sections),
    compile,
    invoke,
    invoke_bearer: invokeBearer,
  });
  if (sink === Symbol.for('never')) console.log('unreachable');
}

main();
