import { parseArgs } from 'node:util';
import { usageError } from './errors.ts';

/** `string`: one value; `list`: repeatable; `integer`: one non-negative whole number; `boolean`: a flag. */
export type OptionType = 'string' | 'list' | 'integer' | 'boolean';

export interface OptionSpec {
  type: OptionType;
  description: string;
  short?: string;
  /** The value's placeholder in the help (`K=V`, `PORT`). */
  value?: string;
  /** Shown in the help; applied by the handler (so `undefined` means "not given"). */
  default?: string;
  /** The help lists the option under this heading (`Limits per container`), after the ungrouped ones. */
  group?: string;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** Takes the rest of the positionals (one or more, or none when optional). */
  variadic?: boolean;
}

/** What a handler gets: the options by name, typed accessors, and the positionals by name. */
export interface Parsed {
  string(name: string): string | undefined;
  list(name: string): string[];
  integer(name: string): number | undefined;
  flag(name: string): boolean;
  /** A positional argument by its declared name (a variadic one joined: use `rest`). */
  arg(name: string): string | undefined;
  /** The values of the variadic argument. */
  rest: string[];
}

/** One verb, declared once: parsing, help and dispatch all read this. */
export interface Command {
  /** `create`, or `token create` for a verb of a group. */
  name: string;
  summary: string;
  /** Paragraphs after the usage line. */
  description?: string;
  args?: ArgumentSpec[];
  options?: Record<string, OptionSpec>;
  /** Adds the connection options (`--profile`, `--url`, `--token`, `--container`). */
  client?: boolean;
  examples?: string[];
  run(parsed: Parsed): Promise<number>;
}

export const CONNECTION_OPTIONS: Record<string, OptionSpec> = {
  profile: { type: 'string', value: 'NAME', description: 'the profile to use (made by "ext-compilers init")', default: 'default' },
  url: { type: 'string', value: 'URL', description: "the server's URL, instead of the profile's" },
  token: { type: 'string', value: 'TOKEN', description: "the token, instead of the profile's" },
  container: { type: 'string', value: 'NAME', description: "the container, instead of the profile's" },
};

const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export function optionsOf(command: Command): Record<string, OptionSpec> {
  return { ...command.options, ...(command.client ? CONNECTION_OPTIONS : {}), help: HELP_OPTION };
}

/** Parse `argv` (what follows the verb) against the command's declaration; bad usage throws a CliError (exit 2). */
export function parse(command: Command, argv: string[]): Parsed {
  const specs = optionsOf(command);
  const config = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { type: spec.type === 'boolean' ? ('boolean' as const) : ('string' as const), multiple: spec.type === 'list', ...(spec.short ? { short: spec.short } : {}) }]),
  );
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options: config, strict: true, allowPositionals: true }));
  } catch (error) {
    throw usageError(`${describeParseError(error as Error & { code?: string })} for "${command.name}": run "ext-compilers ${command.name} --help".`);
  }
  const named = bindPositionals(command, positionals);
  // Whole numbers are checked before the handler runs: bad usage never costs a request.
  for (const [name, spec] of Object.entries(specs)) {
    const raw = values[name];
    if (spec.type === 'integer' && typeof raw === 'string' && !/^\d{1,15}$/.test(raw)) {
      throw usageError(`--${name} must be a whole number, not "${raw}": run "ext-compilers ${command.name} --help".`);
    }
  }
  const integer = (name: string): number | undefined => (values[name] === undefined ? undefined : Number(values[name]));
  return {
    string: (name) => values[name] as string | undefined,
    list: (name) => (values[name] as string[] | undefined) ?? [],
    integer,
    flag: (name) => values[name] === true,
    arg: (name) => named.get(name),
    rest: named.rest,
  };
}

function bindPositionals(command: Command, positionals: string[]): Map<string, string> & { rest: string[] } {
  const named = Object.assign(new Map<string, string>(), { rest: [] as string[] });
  const specs = command.args ?? [];
  let i = 0;
  for (const spec of specs) {
    if (spec.variadic) {
      named.rest = positionals.slice(i);
      i = positionals.length;
      if (named.rest.length === 0 && !spec.optional) throw missing(command, spec);
      continue;
    }
    const value = positionals[i++];
    if (value === undefined && !spec.optional) throw missing(command, spec);
    if (value !== undefined) named.set(spec.name, value);
  }
  if (i < positionals.length) {
    throw usageError(`unexpected argument "${positionals[i]}" for "${command.name}": run "ext-compilers ${command.name} --help".`);
  }
  return named;
}

function missing(command: Command, spec: ArgumentSpec) {
  return usageError(`"${command.name}" needs ${spec.name}: run "ext-compilers ${command.name} --help".`);
}

function describeParseError(error: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(error.message)?.[1]?.split(/[ ,]/)[0];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `option ${option} needs a value` : 'an option needs a value';
    default:
      return error.message.split('\n')[0]!;
  }
}

/** The usage line: `ext-compilers create FILE [options]`. */
export function usageLine(command: Command): string {
  const args = (command.args ?? []).map((spec) => {
    const text = spec.variadic ? `${spec.name}…` : spec.name;
    return spec.optional ? `[${text}]` : text;
  });
  return ['ext-compilers', command.name, ...args, '[options]'].join(' ');
}

/** The whole `--help` of a command. */
export function helpOf(command: Command): string {
  const lines = [`Usage: ${usageLine(command)}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.args?.length) {
    lines.push('', 'Arguments:', ...columns(command.args.map((spec) => [spec.name, spec.description])));
  }
  const groups = optionGroups({ ...command.options, help: HELP_OPTION });
  // One column width for every group, so the descriptions line up down the whole help.
  const width = Math.max(...groups.flatMap(([, specs]) => specs.map(([name, spec]) => optionRow(name, spec)[0].length)));
  for (const [heading, specs] of groups) lines.push('', `${heading}:`, ...columns(specs.map(([name, spec]) => optionRow(name, spec)), width));
  if (command.client) {
    lines.push('', 'Connection options:', ...columns(Object.entries(CONNECTION_OPTIONS).map(([name, spec]) => optionRow(name, spec))));
  }
  if (command.examples?.length) lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  return lines.join('\n');
}

/** The options by heading: the ungrouped ones under `Options`, then each group in order of first appearance. */
function optionGroups(options: Record<string, OptionSpec>): [string, [string, OptionSpec][]][] {
  const groups = new Map<string, [string, OptionSpec][]>([['Options', []]]);
  for (const [name, spec] of Object.entries(options)) {
    const heading = spec.group ?? 'Options';
    if (!groups.has(heading)) groups.set(heading, []);
    groups.get(heading)!.push([name, spec]);
  }
  return [...groups];
}

function optionRow(name: string, spec: OptionSpec): [string, string] {
  const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'boolean' ? '' : ` ${spec.value ?? 'VALUE'}`}`;
  const notes = [spec.type === 'list' ? 'repeatable' : '', spec.default !== undefined ? `default: ${spec.default}` : ''].filter(Boolean);
  return [flag, notes.length ? `${spec.description} (${notes.join('; ')})` : spec.description];
}

export function columns(rows: [string, string][], least = 0): string[] {
  const width = Math.max(least, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}
