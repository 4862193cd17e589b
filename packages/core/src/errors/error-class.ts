/**
 * How an error class that user code gets in scope is described: its name and whether its
 * constructor takes `(message, friendlyMessage = message)`. Every such class extends
 * `ExtensibilityUserError`. The description is data so that the class can be written into the
 * user's script as source (it must exist inside whatever realm compiles the script).
 */
export interface ErrorClassSpec {
  readonly name: string;
  readonly friendlyMessage?: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The source text of the error classes, on one line, so that a script prefixed with it keeps its
 * own line numbers.
 */
export function errorClassesSource(specs: readonly ErrorClassSpec[]): string {
  let source =
    'class ExtensibilityUserError extends Error{constructor(message){super(message);this.name=this.constructor.name}}';
  for (const spec of specs) {
    if (!IDENTIFIER.test(spec.name) || spec.name === 'ExtensibilityUserError') {
      throw new TypeError(`Invalid error class name: ${JSON.stringify(spec.name)}`);
    }
    source += spec.friendlyMessage
      ? `class ${spec.name} extends ExtensibilityUserError{constructor(message,friendlyMessage){super(message);this.friendlyMessage=friendlyMessage||message}}`
      : `class ${spec.name} extends ExtensibilityUserError{}`;
  }
  return source;
}
