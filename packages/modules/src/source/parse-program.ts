import { type Options, parse, type Program } from 'acorn';
import { ExtCompilersError } from '@ext-compilers/core';

const BASE = {
  ecmaVersion: 'latest',
  allowHashBang: true,
  allowReturnOutsideFunction: true,
  allowReserved: true,
} as const satisfies Options;

interface AcornSyntaxError extends SyntaxError {
  pos: number;
  loc: { line: number; column: number };
}

/**
 * Parse as a script first (hooks are CommonJS), then as a module. When both goals fail, the
 * error reported is the one raised further into the source: the goal that got further is the one
 * the author meant, and its error points at the real mistake rather than at an `import` on line 1.
 */
export function parseProgram(code: string): Program {
  let scriptError: AcornSyntaxError;
  try {
    return parse(code, { ...BASE, sourceType: 'script' });
  } catch (error) {
    scriptError = asAcornError(error);
  }
  try {
    return parse(code, { ...BASE, sourceType: 'module' });
  } catch (error) {
    const moduleError = asAcornError(error);
    throw syntaxError(moduleError.pos > scriptError.pos ? moduleError : scriptError);
  }
}

function asAcornError(error: unknown): AcornSyntaxError {
  if (error instanceof SyntaxError && typeof (error as Partial<AcornSyntaxError>).pos === 'number') return error as AcornSyntaxError;
  throw error;
}

function syntaxError(error: AcornSyntaxError): ExtCompilersError {
  const { line, column } = error.loc;
  return new ExtCompilersError('ERR_COMPILE_SYNTAX', error.message, { cause: error, details: { line, column } });
}
