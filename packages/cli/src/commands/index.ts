import type { Command } from '../internal/command.ts';
import { doctor } from './doctor.ts';
import { hookCreate, hookDisable, hookEnable, hookLs, hookUpdate } from './hook.ts';
import { init } from './init.ts';
import { keygen } from './keygen.ts';
import { logs } from './logs.ts';
import { modulesAdd, modulesLs } from './modules.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';
import { status } from './status.ts';
import { tokenCreate, tokenInspect, tokenRevoke } from './token.ts';
import { create, inspect, ls, rm, update } from './webtasks.ts';

/** Every verb, in the order the root help lists them, under the heading it is listed under. */
export const GROUPS: [heading: string, commands: Command[]][] = [
  ['Run a server', [start, serve, doctor, keygen]],
  ['Set up', [init, status]],
  ['Webtasks', [create, update, ls, inspect, rm, logs]],
  ['Hooks (Auth0 extensibility points)', [hookCreate, hookUpdate, hookEnable, hookDisable, hookLs]],
  ['Tokens', [tokenCreate, tokenInspect, tokenRevoke]],
  ['Modules', [modulesLs, modulesAdd]],
];

export const COMMANDS: Command[] = GROUPS.flatMap(([, commands]) => commands);
