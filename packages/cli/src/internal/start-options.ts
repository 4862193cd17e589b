import { resolve } from 'node:path';
import { checkModulePolicy, DEFAULT_LIMITS, type ModulePolicy, type OpenServerOptions } from '@ext-compilers/server';
import type { OptionSpec, Parsed } from './command.ts';
import { CliError, EXIT, usageError } from './errors.ts';
import { readUserFile } from './inputs.ts';

const SANDBOX = 'Sandbox';
const RUN = 'Limits of a run';
const CONTAINER = 'Limits of a container';
const SERVER = 'Limits of the server';
const CLUSTER = 'A cluster (several nodes over one PostgreSQL)';

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${bytes / MIB} MiB = ${bytes}`;

/** A whole-number flag of `start`: its help, the server option it sets, and its least value. */
interface NumberFlag {
  option: keyof OpenServerOptions;
  least: number;
  spec: Omit<OptionSpec, 'type'>;
}

// The executor's defaults are the runtime's (createExecutor); the server's are DEFAULT_LIMITS.
const NUMBER_FLAGS: Record<string, NumberFlag> = {
  workers: { option: 'workers', least: 2, spec: { value: 'N', group: SANDBOX, description: 'live guests in all, every container together (at least 2: one runaway never stalls everybody)', default: '2 × CPUs, at least 2' } },
  'container-guests': { option: 'containerGuests', least: 1, spec: { value: 'N', group: SANDBOX, description: "live guests of one container (a guest serves one container, ever): the container's concurrency", default: 'half of --workers, at least 1' } },
  'container-queue': { option: 'containerQueue', least: 0, spec: { value: 'N', group: SANDBOX, description: "a container's requests waiting for one of its guests; past it 429 with Retry-After", default: '64' } },
  'memory-limit': { option: 'memoryLimit', least: 1, spec: { value: 'MB', group: SANDBOX, description: 'the memory limit of each guest, in MB', default: '128' } },
  'tmp-size': { option: 'tmpSize', least: MIB, spec: { value: 'BYTES', group: SANDBOX, description: "jail: the size of each guest's private /tmp (at least 1 MiB)", default: mib(16 * MIB) } },
  timeout: { option: 'timeout', least: 0, spec: { value: 'MS', group: RUN, description: 'the time limit of each run (0: none)', default: '20000' } },
  'max-body-size': { option: 'maxBodySize', least: 1, spec: { value: 'BYTES', group: RUN, description: 'the largest request body a run accepts; past it 413', default: mib(MIB) } },
  'max-response-size': { option: 'maxResponseSize', least: 0, spec: { value: 'BYTES', group: RUN, description: 'the largest answer body a guest may send; past it 502', default: mib(6 * MIB) } },
  'log-lines': { option: 'logBudget', least: 0, spec: { value: 'N', group: RUN, description: 'console lines one run may log, then one "truncated" line', default: '1000' } },
  'log-bytes': { option: 'logBudget', least: 0, spec: { value: 'BYTES', group: RUN, description: 'console bytes one run may log, then one "truncated" line', default: mib(MIB) } },
  'max-webtasks': { option: 'maxWebtasks', least: 1, spec: { value: 'N', group: CONTAINER, description: 'webtasks one container may hold; past it a create is refused (403)', default: String(DEFAULT_LIMITS.maxWebtasks) } },
  'max-container-storage': { option: 'maxContainerStorage', least: 1, spec: { value: 'BYTES', group: CONTAINER, description: "the storage (ctx.storage, …/data) of one container's webtasks together, in bytes of JSON; past it 413", default: mib(DEFAULT_LIMITS.maxContainerStorage) } },
  'max-container-log-streams': { option: 'maxContainerLogStreams', least: 1, spec: { value: 'N', group: CONTAINER, description: "log streams open at once on one container; past it 429", default: String(DEFAULT_LIMITS.maxContainerLogStreams) } },
  'max-connections': { option: 'maxConnections', least: 1, spec: { value: 'N', group: SERVER, description: 'open connections; past it a new one is closed at once', default: String(DEFAULT_LIMITS.maxConnections) } },
  'headers-timeout': { option: 'headersTimeout', least: 1, spec: { value: 'MS', group: SERVER, description: "the time to receive a request's headers; past it 408 and the connection is cut", default: String(DEFAULT_LIMITS.headersTimeout) } },
  'request-timeout': { option: 'requestTimeout', least: 1, spec: { value: 'MS', group: SERVER, description: 'the time to receive a whole request, body included (a trickling body is cut); past it 408', default: String(DEFAULT_LIMITS.requestTimeout) } },
  'max-log-streams': { option: 'maxLogStreams', least: 1, spec: { value: 'N', group: SERVER, description: 'log streams open at once, all containers together; past it 429', default: String(DEFAULT_LIMITS.maxLogStreams) } },
};

/** The options of `start` that say where webtasks run and what bounds them, in the order its help lists them. */
export const START_OPTIONS: Record<string, OptionSpec> = {
  sandbox: { type: 'string', value: 'KIND', group: SANDBOX, description: 'where webtasks run: jail (bubblewrap, Linux), process, or with --trust-code worker or in-process', default: 'jail; process, with a warning, where the jail cannot run' },
  'trust-code': { type: 'boolean', group: SANDBOX, description: "allow --sandbox worker or in-process, which run tenants' code unisolated (one tenant, trusted code)" },
  'require-jail': { type: 'boolean', group: SANDBOX, description: 'refuse to start where the jail cannot run (rather than run the process sandbox)' },
  ...specsOf(['workers', 'container-guests', 'container-queue', 'memory-limit', 'tmp-size']),
  'allow-egress': { type: 'list', value: 'CIDR|HOST:PORT', group: SANDBOX, description: 'jail: what webtasks may reach besides public addresses (a CIDR, an IP, or HOST:PORT; comma-separated too)' },
  ...specsOf(['timeout', 'max-body-size', 'max-response-size', 'log-lines', 'log-bytes', 'max-webtasks', 'max-container-storage', 'max-container-log-streams']),
  ...specsOf(['max-connections', 'headers-timeout', 'request-timeout', 'max-log-streams']),
  'module-policy': { type: 'string', value: 'FILE', group: SERVER, description: 'what tenants\' tokens may install: JSON { "allow": ["lodash", "left-pad@1.x", "@scope/*"], "maxBytes": N }', default: 'only the admin installs' },
  database: { type: 'string', value: 'URL', group: CLUSTER, description: "a PostgreSQL database (postgres://user@host:5432/db) this node shares with the cluster's others: webtasks, storage, revocations, keys and the admin token live there", default: '$DATABASE_URL; else the embedded store in --data' },
  'master-key-file': { type: 'string', value: 'FILE', group: CLUSTER, description: 'the cluster\'s master key, the same on every node ("ext-compilers keygen" makes one); needed with --database', default: '$EXT_COMPILERS_MASTER_KEY' },
};

function specsOf(names: string[]): Record<string, OptionSpec> {
  return Object.fromEntries(names.map((name) => [name, { type: 'integer', ...NUMBER_FLAGS[name]!.spec } satisfies OptionSpec]));
}

/** The server options `start`'s flags set (each checked against its least value), the module policy read from its file. */
export async function serverOptionsOf(parsed: Parsed): Promise<Partial<OpenServerOptions>> {
  const options: Record<string, unknown> = {};
  for (const [flag, { option, least }] of Object.entries(NUMBER_FLAGS)) {
    const value = parsed.integer(flag);
    if (value === undefined || option === 'logBudget') continue;
    if (value < least) throw usageError(`--${flag} must be at least ${least}, not ${value}: run "ext-compilers start --help".`);
    options[option] = value;
  }
  const [lines, bytes] = [parsed.integer('log-lines'), parsed.integer('log-bytes')];
  if (lines !== undefined || bytes !== undefined) options.logBudget = { lines: lines ?? 1000, bytes: bytes ?? MIB };
  const egress = parsed.list('allow-egress').flatMap((value) => value.split(',').map((entry) => entry.trim()));
  if (egress.some((entry) => entry === '')) throw usageError('--allow-egress takes a CIDR, an IP or HOST:PORT (comma-separated, or the flag repeated), not an empty entry.');
  if (egress.length > 0) options.allowEgress = egress;
  const policy = parsed.string('module-policy');
  if (policy !== undefined) options.modulePolicy = await readPolicy(resolve(policy));
  return options as Partial<OpenServerOptions>;
}

async function readPolicy(file: string): Promise<ModulePolicy> {
  const text = await readUserFile(file, 'module policy');
  try {
    return checkModulePolicy(JSON.parse(text));
  } catch (error) {
    throw new CliError(`the module policy ${file} is not one: ${(error as Error).message}`, EXIT.usage, { cause: error });
  }
}

const NO_KEY = '--database needs the cluster\'s master key: set EXT_COMPILERS_MASTER_KEY or pass --master-key-file FILE ("ext-compilers keygen" makes one).';

/** `--database` (or `DATABASE_URL`) and the master key it needs, from `--master-key-file` or `EXT_COMPILERS_MASTER_KEY`. */
export async function clusterOptionsOf(parsed: Parsed, env: NodeJS.ProcessEnv = process.env): Promise<Pick<OpenServerOptions, 'database' | 'masterKey'>> {
  const database = parsed.string('database') ?? (env.DATABASE_URL || undefined);
  const keyFile = parsed.string('master-key-file');
  if (database === undefined) {
    if (keyFile !== undefined) throw usageError('--master-key-file is for a cluster: give --database (or DATABASE_URL) too.');
    return {};
  }
  const masterKey = keyFile !== undefined ? await readUserFile(resolve(keyFile), 'master key file') : env.EXT_COMPILERS_MASTER_KEY || undefined;
  if (masterKey === undefined) throw usageError(NO_KEY);
  return { database, masterKey };
}
