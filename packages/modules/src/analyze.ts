import type { CallExpression, Expression, SpreadElement } from 'acorn';
import { findRequireCalls } from './source/find-require-calls.ts';
import { lineIndex } from './source/lines.ts';
import { parseProgram } from './source/parse-program.ts';
import { scanDirectives } from './source/directives.ts';
import { requireSite } from './source/require-site.ts';
import type { Analysis, RequireSite } from './types.ts';

/**
 * The directives at the top of `code` and every `require(…)` call in it, in source order.
 *
 * The code is parsed with acorn (latest syntax, hashbang, top-level `return`; script goal, then
 * module goal). A require is static when its argument is a string literal or a template literal
 * without expressions; anything else is reported as `dynamic`. Throws `ERR_COMPILE_SYNTAX`
 * (`details: { line, column }`) for code that does not parse, and `ERR_MODULES_SPEC` for a
 * static require that asks for a version but is not a valid package spec.
 */
export function analyze(code: string): Analysis {
  if (typeof code !== 'string') throw new TypeError('The code to analyze must be a string');
  const directives = scanDirectives(code);
  const calls = findRequireCalls(parseProgram(code));
  if (calls.length === 0) return { directives, requires: [] };
  const position = lineIndex(code);
  const requires = calls.map((call) => site(call, position)).sort((a, b) => a.start - b.start);
  return { directives, requires };
}

function site(call: CallExpression, position: ReturnType<typeof lineIndex>): RequireSite {
  const argument = call.arguments[0];
  const { start, end } = argument ?? call;
  return requireSite(argument === undefined ? undefined : staticSpec(argument), start, end, position);
}

/** The text of a string literal or of a template literal without expressions; else undefined. */
function staticSpec(argument: Expression | SpreadElement): string | undefined {
  if (argument.type === 'Literal') return typeof argument.value === 'string' ? argument.value : undefined;
  if (argument.type === 'TemplateLiteral' && argument.expressions.length === 0) {
    return argument.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}
