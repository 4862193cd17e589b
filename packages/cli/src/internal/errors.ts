/**
 * The exit codes, wt-cli's where it had one: scripts switch on them, so they never change meaning.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  timeout: 4,
  notFound: 5,
  badRequest: 6,
  serverError: 7,
  notAuthorized: 8,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the user can act on: one line (what went wrong, then what to do) and its exit code. */
export class CliError extends Error {
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = EXIT.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export const usageError = (message: string): CliError => new CliError(message, EXIT.usage);
