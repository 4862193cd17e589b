import { cases as allCases } from './cases.ts';
import { evaluate } from './internal/evaluate.ts';
import { isolate } from './internal/isolate.ts';
import { loadTarget, type Target } from './internal/load-target.ts';
import { observe } from './internal/observe.ts';
import type { Observation } from './internal/observation.ts';
import type { CaseResult, ConformanceCase, Expectation, Profile, Report } from './types.ts';

/** Options of `runConformance`. */
export interface RunConformanceOptions {
  /** The compilers under test: the object `require(x)` gives, or a module name or file path. */
  compilers: object | string;
  /** `contract` (default) expects ext-compilers' behaviour; `reference` auth0-ext-compilers'. */
  profile?: Profile;
  /** Only cases whose id contains this string (or matches this RegExp). */
  filter?: string | RegExp;
  /** Milliseconds a case may go without an answer before it fails (default 2000). */
  timeout?: number;
  /** Where module names are resolved from (default `process.cwd()`). */
  cwd?: string;
}

const CHILD_CONCURRENCY = 8;
const CHILD_STARTUP_MS = 3000;

/**
 * Run the conformance cases against a compilers implementation and report each case. In-process
 * cases run one at a time; a case whose expectation is a crash, a hang or a runtime 500 runs in a
 * child process. Never rejects for a failing case; rejects with a TypeError on bad options and
 * with an `ERR_CONFORMANCE_LOAD` error when the compilers module cannot be loaded.
 */
export async function runConformance(options: RunConformanceOptions): Promise<Report> {
  const { profile, filter, timeout } = checkOptions(options);
  const target = await load(options.compilers, options.cwd ?? process.cwd());
  const selected = allCases.filter((c) => (typeof filter === 'string' ? c.id.includes(filter) : !filter || filter.test(c.id)));
  const results = new Map<string, CaseResult>();
  const isolated = selected.filter((c) => needsIsolation(expectationOf(c, profile)));
  const children = runIsolated(isolated, target, profile, timeout + CHILD_STARTUP_MS, results);
  for (const testCase of selected) {
    if (isolated.includes(testCase)) continue;
    results.set(testCase.id, judge(testCase, profile, await observe(target.compilers, testCase, timeout), false));
  }
  await children;
  const ordered = selected.map((c) => results.get(c.id) as CaseResult);
  const passed = ordered.filter((r) => r.passed).length;
  return { profile, passed, failed: ordered.length - passed, results: ordered };
}

function checkOptions(options: RunConformanceOptions): { profile: Profile; filter: string | RegExp | undefined; timeout: number } {
  if (typeof options !== 'object' || options === null) throw new TypeError('runConformance needs an options object');
  const { compilers, profile = 'contract', filter, timeout = 2000 } = options;
  if ((typeof compilers !== 'object' && typeof compilers !== 'string') || compilers === null || compilers === '') {
    throw new TypeError('options.compilers must be a compilers object or a module name or path');
  }
  if (profile !== 'contract' && profile !== 'reference') throw new TypeError(`options.profile must be 'contract' or 'reference', got ${JSON.stringify(profile)}`);
  if (filter !== undefined && typeof filter !== 'string' && !(filter instanceof RegExp)) throw new TypeError('options.filter must be a string or a RegExp');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new TypeError('options.timeout must be a positive number of milliseconds');
  return { profile, filter, timeout };
}

async function load(spec: object | string, cwd: string): Promise<Target> {
  try {
    return await loadTarget(spec, cwd);
  } catch (cause) {
    // Node appends the require stack (this package's own paths) to the message: keep the first line.
    const reason = String((cause as Error)?.message ?? cause).split('\n')[0];
    const error = new Error(`Cannot load compilers from ${JSON.stringify(spec)}: ${reason}`, { cause });
    throw Object.assign(error, { code: 'ERR_CONFORMANCE_LOAD' });
  }
}

function expectationOf(testCase: ConformanceCase, profile: Profile): Expectation {
  return profile === 'reference' && testCase.difference ? testCase.difference.reference : testCase.expect;
}

// A runtime 500 comes with a rethrow of the user's error, so it is isolated like a crash.
function needsIsolation(expectation: Expectation): boolean {
  if (expectation.kind === 'crash' || expectation.kind === 'hang') return true;
  return expectation.kind === 'answer' && expectation.responses.some((r) => (r.statusCode ?? 200) !== 200);
}

async function runIsolated(list: ConformanceCase[], target: Target, profile: Profile, timeout: number, results: Map<string, CaseResult>): Promise<void> {
  const queue = [...list];
  const worker = async (): Promise<void> => {
    for (let testCase = queue.shift(); testCase; testCase = queue.shift()) {
      const observation: Observation = target.url
        ? await isolate(target.url, testCase, timeout)
        : { kind: 'unavailable', message: 'this case runs in a child process: pass the compilers as a module name or path' };
      results.set(testCase.id, judge(testCase, profile, observation, true));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHILD_CONCURRENCY, list.length) }, worker));
}

function judge(testCase: ConformanceCase, profile: Profile, observation: Observation, isolated: boolean): CaseResult {
  const message = evaluate(expectationOf(testCase, profile), observation);
  const base = { id: testCase.id, point: testCase.point, category: testCase.category, isolated };
  return message === undefined ? { ...base, passed: true } : { ...base, passed: false, message };
}
