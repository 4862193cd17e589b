import { runConformance } from './run-conformance.ts';
import type { Profile, Report } from './types.ts';

const USAGE = `Usage: ext-compilers-conformance --compilers <module-or-path> [options]

Runs the webtask extensibility-point conformance cases against a compilers module
(an object keyed generic, client-credentials-exchange, ...) under webtask-runtime's simulate().

Options:
  --compilers <module-or-path>  the implementation under test (required)
  --profile <contract|reference>  expected behaviour (default: contract)
  --filter <substring>          only cases whose id contains it
  --timeout <ms>                per-case timeout (default: 2000)
  --json                        print the report as JSON
  --help                        show this help

Exit code: 0 all passed, 1 a case failed, 2 bad arguments or a module that cannot be loaded.`;

interface Args {
  compilers: string;
  profile: Profile;
  filter: string | undefined;
  timeout: number | undefined;
  json: boolean;
}

/**
 * The command line: parse `argv` (without the node and script paths), run the suite, print one
 * line per failure and a `N passed, N failed` summary (or the JSON report), and resolve to the
 * exit code. Never rejects; usage errors and unloadable modules resolve to 2.
 */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (typeof args === 'string') {
    console.error(`ext-compilers-conformance: ${args}\nRun with --help for usage.`);
    return 2;
  }
  let report: Report;
  try {
    report = await runConformance({ compilers: args.compilers, profile: args.profile, ...(args.filter ? { filter: args.filter } : {}), ...(args.timeout ? { timeout: args.timeout } : {}) });
  } catch (error) {
    console.error(`ext-compilers-conformance: ${(error as Error)?.message ?? error}`);
    return 2;
  }
  print(report, args.json);
  return report.failed > 0 ? 1 : 0;
}

function parseArgs(argv: readonly string[]): Args | string {
  const args: Args = { compilers: '', profile: 'contract', filter: undefined, timeout: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--json') {
      args.json = true;
      continue;
    }
    if (!['--compilers', '--profile', '--filter', '--timeout'].includes(flag)) return `unknown argument ${JSON.stringify(flag)}`;
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    if (flag === '--compilers') args.compilers = value;
    else if (flag === '--filter') args.filter = value;
    else if (flag === '--profile') {
      if (value !== 'contract' && value !== 'reference') return `--profile must be contract or reference, got ${JSON.stringify(value)}`;
      args.profile = value;
    } else {
      args.timeout = Number(value);
      if (!Number.isFinite(args.timeout) || args.timeout <= 0) return `--timeout must be a positive number, got ${JSON.stringify(value)}`;
    }
  }
  return args.compilers ? args : '--compilers <module-or-path> is required';
}

function print(report: Report, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  for (const result of report.results) {
    if (!result.passed) console.log(`✘ ${result.id}: ${result.message}`);
  }
  console.log(`${report.passed} passed, ${report.failed} failed`);
}
