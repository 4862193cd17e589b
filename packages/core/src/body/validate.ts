import { plainError } from '../errors/plain-error.ts';

/** What a body field must be. The `null` variants exist to keep auth0-ext-compilers' answers. */
export type FieldKind =
  /** a non-null object */
  | 'object'
  /** `typeof` is `'object'`: a null passes (the reference lets it through) */
  | 'object-or-null'
  /** anything but null: for optional objects the reference silently replaces when not objects */
  | 'not-null'
  | 'string'
  /** falsy or an array */
  | 'empty-or-array';

/** One validation step: the dotted path of a body field and what it must be. */
export type BodyCheck =
  | { readonly path: string; readonly is: FieldKind; readonly optional?: boolean }
  | { readonly path: string; readonly oneOf: readonly string[]; readonly optional?: boolean };

const PHRASES: Record<FieldKind, string> = {
  object: 'is not an object',
  'object-or-null': 'is not an object',
  'not-null': 'is not an object',
  string: 'is not a string',
  'empty-or-array': 'is neither empty nor an array',
};

// Each kind as a predicate and as the same predicate in source form (for the generated validator).
const SOURCES: Record<FieldKind, string> = {
  object: "typeof v === 'object' && v !== null",
  'object-or-null': "typeof v === 'object'",
  'not-null': 'v !== null',
  string: "typeof v === 'string'",
  'empty-or-array': '!v || Array.isArray(v)',
};

const TESTS: Record<FieldKind, (value: unknown) => boolean> = {
  object: (v) => typeof v === 'object' && v !== null,
  'object-or-null': (v) => typeof v === 'object',
  'not-null': (v) => v !== null,
  string: (v) => typeof v === 'string',
  'empty-or-array': (v) => !v || Array.isArray(v),
};

/** A body validator: returns the error of the first failing check, in order, or undefined. */
export type Validator = (body: unknown) => Error | undefined;

interface CompiledCheck {
  keys: string[];
  test: (value: unknown) => boolean;
  source: string;
  optional: boolean;
  error: Error;
}

/**
 * Compile the checks once, with their messages (`<label><path> received by extensibility point
 * <phrase>`; `label` is `Body.`, or `Body .` for client-credentials-exchange, as in the
 * reference). The body itself must always be a non-null object. A check whose parent is absent is
 * skipped: that parent was optional.
 */
export function compileValidator(checks: readonly BodyCheck[], label: string): Validator {
  const root = plainError('Body received by extensibility point is not an object');
  const compiled = checks.map((check) => compileCheck(check, label));
  return generateValidator(root, compiled) ?? interpretValidator(root, compiled);
}

function compileCheck(check: BodyCheck, label: string): CompiledCheck {
  const allowed = 'oneOf' in check ? check.oneOf : undefined;
  const phrase = allowed ? `is not ${allowed.map((v) => `\`${v}\``).join(' or ')}` : PHRASES[(check as { is: FieldKind }).is];
  return {
    keys: check.path.split('.'),
    test: allowed ? (v) => allowed.includes(v as string) : TESTS[(check as { is: FieldKind }).is],
    source: allowed ? `(${allowed.map((v) => `v === ${JSON.stringify(v)}`).join(' || ')})` : SOURCES[(check as { is: FieldKind }).is],
    optional: check.optional === true,
    error: plainError(`${label}${check.path} received by extensibility point ${phrase}`),
  };
}

/**
 * The checks as one straight-line function, as fast as a hand-written chain of `typeof` tests.
 * Only trusted text goes into the source: property names and allowed values as JSON string
 * literals, the predicates above; the errors are passed in, not written. Returns undefined where
 * code generation from strings is disabled.
 */
function generateValidator(root: Error, checks: readonly CompiledCheck[]): Validator | undefined {
  const lines = ["if (typeof b !== 'object' || b === null) return root;", 'let p, v;'];
  checks.forEach((check, i) => {
    const keys = check.keys.map((key) => `[${JSON.stringify(key)}]`);
    let code = `v = p${keys[keys.length - 1]}; if (${check.optional ? 'v !== undefined && ' : ''}!(${check.source})) return errors[${i}];`;
    for (let depth = keys.length - 2; depth >= 0; depth--) {
      code = `p = p${keys[depth]}; if (p !== undefined && p !== null) { ${code} }`;
    }
    lines.push(`p = b; ${code}`);
  });
  lines.push('return undefined;');
  try {
    return new Function('root', 'errors', `return function validate(b) {\n${lines.join('\n')}\n};`)(
      root,
      checks.map((check) => check.error),
    ) as Validator;
  } catch {
    return undefined;
  }
}

function interpretValidator(root: Error, checks: readonly CompiledCheck[]): Validator {
  return (body) => {
    if (typeof body !== 'object' || body === null) return root;
    for (const check of checks) {
      let value: unknown = body;
      let present = true;
      for (const key of check.keys) {
        if (value === undefined || value === null) {
          present = false;
          break;
        }
        value = (value as Record<string, unknown>)[key];
      }
      if (!present || (check.optional && value === undefined)) continue;
      if (!check.test(value)) return check.error;
    }
    return undefined;
  };
}
