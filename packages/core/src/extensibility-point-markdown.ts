import { PREVIOUS_SECRET_NAME, SECRET_NAME } from './authorize.ts';
import type { BodyCheck, ExtensibilityPointDefinition, ResultCheck } from './define-extensibility-point.ts';
import type { ErrorClassSpec } from './errors/error-class.ts';
import { RESULT_ROOT_MESSAGE, resultRules } from './answers/check-result.ts';
import { compileValidator } from './body/validate.ts';

/** What a point's page says besides what its definition does. */
export interface ExtensibilityPointMarkdownOptions {
  /** Markdown under the title: what the point is for, when the platform calls it. */
  readonly description?: string | undefined;
  /** A worked example: a hook, a body it is called with and, when given, the answer it gets. */
  readonly example?: { readonly hook: string; readonly body: unknown; readonly answer?: unknown } | undefined;
}

const FENCE = '```';

/**
 * The reference page of an extensibility point, in Markdown, generated from its definition: the
 * hook's signature, the wire (POST, Bearer secret), the body checks in order with the exact
 * messages they answer, the error classes in scope, what the result may contain, the envelopes.
 * The messages are the compiler's own: each is taken from the validator the point compiles.
 */
export function extensibilityPointMarkdown<Args extends unknown[], Result>(
  definition: ExtensibilityPointDefinition<Args, Result>,
  options: ExtensibilityPointMarkdownOptions = {},
): string {
  const sections = [
    [`# ${definition.name}`, ...(options.description ? ['', options.description.trim()] : [])],
    hookSection(definition),
    requestSection(),
    bodySection(definition.validate, definition.messageLabel ?? 'Body.'),
    errorsSection(definition.errors ?? []),
    resultSection(definition.returns, definition.result !== undefined),
    answersSection(),
    ...(options.example ? [exampleSection(options.example)] : []),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function hookSection(definition: { readonly exportName?: string | undefined; readonly parameters?: readonly string[] | undefined }): string[] {
  const target = definition.exportName === undefined ? 'module.exports' : `exports.${definition.exportName}`;
  const parameters = definition.parameters ? [...definition.parameters, 'cb'].join(', ') : '...args, cb';
  return [
    '## Hook',
    '',
    `${FENCE}js`,
    `${target} = function (${parameters}) {`,
    '  cb(null, result); // or cb(error)',
    '};',
    FENCE,
    '',
    'The hook completes by calling `cb(error)` or `cb(null, result)`, or by the promise it returns (an `async` function); the first completion answers, later ones are ignored. A throw answers as `cb(error)`.',
    '',
    "Its TypeScript type is `HookOf<typeof definition>` (`@ext-compilers/core`), given a definition typed with the hook's arguments and result.",
  ];
}

function requestSection(): string[] {
  return [
    '## Request',
    '',
    `\`POST\` to the webtask URL with a JSON body and \`Authorization: Bearer <secret>\`, where \`<secret>\` is the webtask's \`${SECRET_NAME}\` secret (during a rotation, \`${PREVIOUS_SECRET_NAME}\` is accepted too). Any other \`Authorization\` is answered with the error \`Unauthorized extensibility point\`, before the body is checked. A webtask without the secret is not checked.`,
  ];
}

function bodySection(checks: readonly BodyCheck[], label: string): string[] {
  const rows = checks.map((check, i) => row(i + 2, code(check.path), mustBe(check), bodyMessage(check, label)));
  return [
    '## Body checks',
    '',
    'In order, after the Bearer check; the first that fails answers the error envelope with its message.',
    '',
    '| # | Field | Must be | Message |',
    '|---|---|---|---|',
    row(1, 'the body', 'a non-null object', (compileValidator([], label)(undefined) as Error).message),
    ...rows,
  ];
}

// A check's message is what the compiled validator answers for a body that fails that check alone:
// every kind fails one of these values, and nothing here restates how messages are worded.
const FAILING = [null, 1, {}];

function bodyMessage(check: BodyCheck, label: string): string {
  const validate = compileValidator([check], label);
  for (const value of FAILING) {
    const body = check.path.split('.').reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
    const error = validate(body);
    if (error) return error.message;
  }
  throw new TypeError(`No value fails the body check of ${JSON.stringify(check.path)}`);
}

function errorsSection(specs: readonly ErrorClassSpec[]): string[] {
  const classes: ErrorClassSpec[] = [{ name: 'ExtensibilityUserError' }, ...specs];
  return [
    '## Error classes',
    '',
    "In the hook's scope without imports; each extends `ExtensibilityUserError`. A hook's error answers the error envelope with the error's own properties: `stack`, `message`, `name`, and `friendlyMessage` where the class has it.",
    '',
    '| Class | Constructor |',
    '|---|---|',
    ...classes.map((spec) => `| ${code(spec.name)} | ${code(`new ${spec.name}(message${spec.friendlyMessage ? ', friendlyMessage = message' : ''})`)} |`),
  ];
}

function resultSection(checks: readonly ResultCheck[] | undefined, mapped: boolean): string[] {
  const mapping = mapped ? ' The point maps the value before it is answered.' : '';
  if (!checks) return ['## Result', '', `Any JSON value: it is answered as the success envelope's \`data\`.${mapping}`];
  const rules = resultRules(checks);
  return [
    '## Result',
    '',
    `The hook's success value is checked before it is answered: in order, the first check that fails answers the error envelope with its message instead.${mapping}`,
    '',
    '| # | Field | Must be | Message |',
    '|---|---|---|---|',
    row(1, 'the result', 'an object (not an array)', RESULT_ROOT_MESSAGE),
    ...checks.map((check, i) => row(i + 2, code(check.path), mustBe(check), (rules[i] as { error: Error }).error.message)),
  ];
}

function answersSection(): string[] {
  return [
    '## Answers',
    '',
    'HTTP 200 with `Content-Type: application/json`, success or error:',
    '',
    FENCE,
    '{ "statusCode": 200, "headers": {}, "status": "success", "data": <result> }',
    '{ "status": "error", "data": { "stack": "…", "message": "…", … } }',
    FENCE,
  ];
}

function exampleSection(example: NonNullable<ExtensibilityPointMarkdownOptions['example']>): string[] {
  const lines = ['## Example', '', `${FENCE}js`, example.hook.trim(), FENCE, '', 'Request body:', '', `${FENCE}json`, JSON.stringify(example.body, null, 2), FENCE];
  if (example.answer === undefined) return lines;
  return [...lines, '', 'Answer:', '', `${FENCE}json`, JSON.stringify(example.answer, null, 2), FENCE];
}

function mustBe(check: BodyCheck | ResultCheck): string {
  const what = 'oneOf' in check ? check.oneOf.map((v) => code(String(v))).join(' or ') : code(check.is);
  return check.optional ? `${what}, or absent` : what;
}

function row(n: number, field: string, must: string, message: string): string {
  return `| ${n} | ${field} | ${must} | ${code(message)} |`;
}

// Inline code that may itself hold backticks (a `oneOf` message) or a table's pipe.
function code(text: string): string {
  const escaped = text.replaceAll('|', '\\|');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}
