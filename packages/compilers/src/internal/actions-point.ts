import {
  defineExtensibilityPoint,
  type ExtensibilityPointDefinition,
  type NodejsCompiler,
  PREVIOUS_SECRET_NAME,
  SECRET_NAME,
  type WebtaskCompiler,
  type WebtaskContext,
} from '@ext-compilers/core';
import type { ActionsCacheApi, ActionsSecrets } from '../types/actions.ts';
import { createActionsCache } from './actions-cache.ts';

/** A validated request body. */
export type Body = Record<string, unknown>;

/** One call the hook made on its `api`: `access.deny`, its arguments, and the stack frames of the call site. */
export interface Command {
  readonly name: string;
  readonly args: readonly unknown[];
  readonly frames: string;
}

/** What a hook's completion turns into: the envelope's error, or its data. */
export interface Outcome {
  error?: unknown;
  value?: unknown;
}

/**
 * An Actions-style point: the legacy point it answers as (validation, messages, error classes,
 * `result`), the export that is the hook, how the body becomes `event`, which commands `api` has
 * besides `cache`, and how what the hook recorded reduces to the legacy hook's answer.
 */
export interface ActionsPointDefinition {
  readonly legacy: ExtensibilityPointDefinition;
  readonly exportName: string;
  readonly event: (body: Body, secrets: ActionsSecrets) => object;
  /** `group.verb` → a check of the arguments: a problem (thrown as a TypeError in the hook) or undefined. */
  readonly commands: Readonly<Record<string, (args: readonly unknown[]) => string | undefined>>;
  /** From the commands in the order made, the body and the hook's resolved value; the hook's own error never gets here. */
  readonly reduce: (commands: readonly Command[], body: Body, returned: unknown) => Outcome;
}

/**
 * The compiler of an Actions-style point, made with the legacy point's definition plus
 * `exportName`, `args` (`[event, api]`) and `complete` (the reduction). Each compilation gets its
 * own `api.cache`, which lives as long as the webtask function it called back with.
 */
export function defineActionsPoint(definition: ActionsPointDefinition): WebtaskCompiler {
  const recordings = new WeakMap<object, { commands: Command[]; body: Body }>();
  const caches = new WeakMap<object, ActionsCacheApi>();
  const point = defineExtensibilityPoint({
    ...definition.legacy,
    exportName: definition.exportName,
    args: (body, ctx) => {
      const commands: Command[] = [];
      const api = recorder(definition.commands, commands, caches.get(ctx) as ActionsCacheApi);
      recordings.set(api, { commands, body });
      return [definition.event(body, actionsSecrets(ctx)), api];
    },
    complete: (outcome, args) => {
      if ('error' in outcome) return outcome;
      const { commands, body } = recordings.get(args[1] as object) as { commands: Command[]; body: Body };
      return definition.reduce(commands, body, outcome.value);
    },
  });
  return function actionsPointCompiler(options, cb) {
    if (typeof options?.nodejsCompiler !== 'function') return point(options, cb);
    const cache = createActionsCache();
    point({ ...options, nodejsCompiler: awaited(options.nodejsCompiler, definition.exportName) }, (error, fn) => {
      if (error || !fn) return cb(error, fn);
      cb(null, function actionsPoint(ctx, req, res) {
        caches.set(ctx, cache);
        fn(ctx, req, res);
      });
    });
  };
}

/**
 * Auth0 awaits `onExecute…` whatever it returns; the core completes a hook by its promise or its
 * callback. The export is wrapped so that a plain function returning nothing completes too, and so
 * that the hook never receives the core's callback as a third argument.
 */
function awaited(compile: NodejsCompiler, name: string): NodejsCompiler {
  return (script, cb) =>
    compile(script, (error, exported) => {
      const hook = error ? undefined : ownFunction(exported, name);
      if (!hook) return cb(error, exported);
      cb(error, { [name]: async (event: unknown, api: unknown) => hook.call(exported, event, api) });
    });
}

function ownFunction(exported: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if ((typeof exported !== 'object' && typeof exported !== 'function') || exported === null || !Object.hasOwn(exported, name)) return undefined;
  const hook = (exported as Record<string, unknown>)[name];
  return typeof hook === 'function' ? (hook as (...args: unknown[]) => unknown) : undefined;
}

/** The `api` object: each command checks its arguments, records the call and returns `api` (chainable, as Auth0's). */
function recorder(commands: ActionsPointDefinition['commands'], log: Command[], cache: ActionsCacheApi): object {
  const api: Record<string, unknown> = { cache };
  for (const [name, check] of Object.entries(commands)) {
    const [group, verb] = name.split('.') as [string, string];
    const target = (api[group] ??= {}) as Record<string, unknown>;
    target[verb] = function command(...args: unknown[]) {
      const problem = check(args);
      if (problem) throw new TypeError(`api.${name}: ${problem}`);
      log.push({ name, args, frames: framesAbove(command) });
      return api;
    };
  }
  return api;
}

// The call site in the hook, so that a denial's stack starts at the hook's line, as the stack of
// the error a legacy hook creates does (and shows no frame of this package).
function framesAbove(fn: (...args: never[]) => unknown): string {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, fn);
  const stack = site.stack ?? '';
  const newline = stack.indexOf('\n');
  return newline === -1 ? '' : stack.slice(newline);
}

/** `error`, with the stack of the command that asked for it: `<Name>: <message>` and the hook's frames. */
export function denial<E extends Error>(error: E, command: Command): E {
  error.stack = Error.prototype.toString.call(error) + command.frames;
  return error;
}

/** The first call of a command (a second `deny` changes nothing). */
export function first(commands: readonly Command[], name: string): Command | undefined {
  return commands.find((command) => command.name === name);
}

/** `(key, value)` calls of a command as an object: keys in the order first set, the last value of each; undefined when none. */
export function collect(commands: readonly Command[], name: string): Record<string, unknown> | undefined {
  const entries = new Map<unknown, unknown>();
  for (const command of commands) if (command.name === name) entries.set(command.args[0], command.args[1]);
  // fromEntries defines data properties: a key `__proto__` stays a key.
  return entries.size === 0 ? undefined : Object.fromEntries(entries);
}

/** The fields of `source` named by `fields` (event name → body name), those present only. */
export function renamed(source: unknown, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const from = (source ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(fields).filter(([, key]) => from[key] !== undefined).map(([to, key]) => [to, from[key]]));
}

/** A check for commands whose arguments are free. */
export const anyArgs = (): undefined => undefined;

/** A check for `(name, value)` commands. */
export const namedValue = (args: readonly unknown[]): string | undefined => (typeof args[0] === 'string' ? undefined : 'name must be a string');

/** The reduction of points whose legacy answer is free data: what the hook resolved is the data, as a legacy hook's callback value. */
export const returnedValue = (_commands: readonly Command[], _body: Body, returned: unknown): Outcome => ({ value: returned });

// The point's own Bearer secrets are the platform's, not the hook's.
function actionsSecrets(ctx: WebtaskContext): ActionsSecrets {
  return Object.fromEntries(Object.entries(ctx.secrets ?? {}).filter(([name]) => name !== SECRET_NAME && name !== PREVIOUS_SECRET_NAME));
}
