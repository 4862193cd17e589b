import { syntaxErrorOf } from '@ext-compilers/runtime';
import { HttpError } from './http-error.ts';

/** Refuse (400) webtask code the runtime could not load, at create rather than at its first run (see `syntaxErrorOf`). */
export function checkSyntax(code: string, meta: Readonly<Record<string, string>> | undefined): void {
  const error = syntaxErrorOf(code, meta);
  if (error !== undefined) throw new HttpError(400, error);
}
