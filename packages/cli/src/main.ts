import { readFileSync } from 'node:fs';
import { COMMANDS, GROUPS } from './commands/index.ts';
import { type Command, columns, helpOf, parse } from './internal/command.ts';
import { CliError, EXIT, usageError } from './internal/errors.ts';
import { exitQuietlyOnClosedOutput, note, out } from './internal/io.ts';

const ROOT_HELP = () =>
  [
    'Usage: ext-compilers VERB [options]',
    '',
    'Run webtasks and extensibility points locally or on a server, and manage them over its HTTP API.',
    ...GROUPS.flatMap(([heading, commands]) => ['', `${heading}:`, ...columns(commands.map((command) => [command.name, command.summary]))]),
    '',
    'Every verb takes --help. Client verbs read the profile "ext-compilers init" saves, and take',
    '--profile, --url, --token and --container to override it.',
    '',
    'Exit codes: 0 done, 1 failed, 2 bad usage, 4 timed out, 5 not found, 6 refused as a bad request,',
    '7 server error, 8 not authorized.',
    '',
    'First steps:',
    '  ext-compilers start                      # prints the admin token and an init line',
    '  ext-compilers init --url http://127.0.0.1:8721 --token TOKEN --container demo',
    '  ext-compilers create hello.js && ext-compilers ls',
  ].join('\n');

/**
 * The `ext-compilers` command line: `argv` without the node and script paths. Resolves to the
 * exit code; never rejects: a failure is one line on stderr (what went wrong, what to do). When
 * stdout or stderr loses its reader (`| head -1`), the process exits 0 quietly (a server first
 * stops as on Ctrl-C).
 */
export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedOutput();
  try {
    return await dispatch(argv);
  } catch (error) {
    if (error instanceof CliError) {
      note(`ext-compilers: ${error.message}`);
      return error.exitCode;
    }
    note(`ext-compilers: unexpected error: ${(error as Error)?.message ?? error} (please report it with the command you ran).`);
    return EXIT.failure;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    out(ROOT_HELP());
    return EXIT.usage;
  }
  if (first === '--help' || first === '-h') return print(ROOT_HELP());
  if (first === '--version' || first === '-v' || first === 'version') return print(version());
  if (first === 'help' && rest.length === 0) return print(ROOT_HELP());
  const found = find(first === 'help' ? [...rest, '--help'] : argv);
  if ('group' in found) return print(groupHelp(found.group, found.commands));
  const { command, args } = found;
  const beforeDashes = args.indexOf('--') < 0 ? args : args.slice(0, args.indexOf('--'));
  if (beforeDashes.includes('--help') || beforeDashes.includes('-h')) return print(helpOf(command));
  return command.run(parse(command, args));
}

function print(text: string): number {
  out(text);
  return EXIT.ok;
}

/** The verb `argv` starts with (one word, or a group and a word), and what follows it. */
function find(argv: string[]): { command: Command; args: string[] } | { group: string; commands: Command[] } {
  const [first = '', second] = argv;
  const two = COMMANDS.find((command) => command.name === `${first} ${second}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = COMMANDS.find((command) => command.name === first);
  if (one) return { command: one, args: argv.slice(1) };
  const group = COMMANDS.filter((command) => command.name.startsWith(`${first} `));
  if (group.length > 0) {
    if (second === '--help' || second === '-h') return { group: first, commands: group };
    const verbs = group.map((command) => `"${command.name}"`).join(', ');
    throw usageError(`${second === undefined ? `"${first}" needs a verb` : `unknown verb "${first} ${second}"`}: use ${verbs}.`);
  }
  const guess = closest(first);
  throw usageError(`unknown verb "${first}"${guess ? ` (did you mean "${guess}"?)` : ''}: run "ext-compilers --help" for the list.`);
}

/** `ext-compilers token --help`: the verbs of a group. */
function groupHelp(group: string, commands: Command[]): string {
  return [`Usage: ext-compilers ${group} VERB [options]`, '', ...columns(commands.map((command) => [command.name, command.summary])), '', `Run "ext-compilers ${group} VERB --help" for a verb's options.`].join('\n');
}

function closest(word: string): string | undefined {
  const names = [...new Set(COMMANDS.map((command) => command.name.split(' ')[0]!))];
  let best: [string, number] | undefined;
  for (const name of names) {
    const distance = editDistance(word, name);
    if (distance <= Math.min(2, Math.max(1, Math.floor(word.length / 3))) && (!best || distance < best[1])) best = [name, distance];
  }
  return best?.[0];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
