import { spawn } from 'node:child_process';
import { ExtCompilersError } from '@ext-compilers/core';

/** How npm is run. */
export interface NpmSettings {
  readonly command: string;
  readonly registry: string | undefined;
  readonly scripts: boolean;
  readonly timeout: number;
  readonly env: Readonly<Record<string, string | undefined>> | undefined;
}

/** What an npm run left behind. */
export interface NpmRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly timedOut: boolean;
  readonly spawnError: Error | undefined;
}

const OUTPUT_LIMIT = 64 * 1024;

/** The arguments of one install of `target` (`name@version-range-or-tag`) into `prefix`. */
export function npmArguments(prefix: string, target: string, settings: NpmSettings): string[] {
  return [
    'install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--no-update-notifier', '--no-progress',
    // Peers are part of a version's closure (npm 7+ installs them), whatever the user's npmrc says.
    '--legacy-peer-deps=false', '--no-global',
    ...(settings.scripts ? [] : ['--ignore-scripts']),
    ...(settings.registry === undefined ? [] : ['--registry', settings.registry]),
    '--prefix', prefix,
    // `--` so that nothing in a spec can be read as an option.
    '--', target,
  ];
}

/** Run `npm install` without a shell, killing it after `settings.timeout`. Never rejects. */
export function runNpm(prefix: string, target: string, settings: NpmSettings): Promise<NpmRun> {
  return new Promise((resolve) => {
    let output = '';
    let spawnError: Error | undefined;
    let timedOut = false;
    const child = spawn(settings.command, npmArguments(prefix, target, settings), {
      cwd: prefix,
      env: { ...process.env, ...settings.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, settings.timeout);
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, output, timedOut, spawnError });
    });
  });
}

const NOT_FOUND = /\bE404\b|404 Not Found|No matching version|\bETARGET\b/;
const NETWORK = /\b(?:ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|ENETUNREACH|EHOSTUNREACH)\b/;

/**
 * The coded error of a failed run, naming the spec, with npm's error lines in `details.npm`.
 * The environment is never included; credentials in URLs and auth settings are masked.
 */
export function npmFailure(spec: string, run: NpmRun, timeout: number): ExtCompilersError {
  const details = { spec, npm: errorLines(run.output), exitCode: run.exitCode };
  if (run.spawnError !== undefined) {
    return new ExtCompilersError('ERR_MODULES_INSTALL', `Cannot install ${spec}: npm could not be run`, { cause: run.spawnError, details });
  }
  if (run.timedOut) {
    return new ExtCompilersError('ERR_MODULES_INSTALL', `Cannot install ${spec}: npm did not finish within ${timeout} ms`, { details: { ...details, timeout } });
  }
  const text = details.npm.join('\n');
  if (NOT_FOUND.test(text)) {
    return new ExtCompilersError('ERR_MODULES_NOT_FOUND', `Cannot install ${spec}: the registry has no such package or version`, { details });
  }
  if (NETWORK.test(text)) {
    return new ExtCompilersError('ERR_MODULES_NETWORK', `Cannot install ${spec}: the registry cannot be reached`, { details });
  }
  return new ExtCompilersError('ERR_MODULES_INSTALL', `Cannot install ${spec}: npm failed (exit code ${run.exitCode})`, { details });
}

/** npm's `npm error …` lines (`npm ERR! …` before npm 10), or the tail of the output when there are none. */
function errorLines(output: string): string[] {
  const lines = output.split(/\r?\n/);
  const errors = lines.filter((line) => /^npm (?:error|ERR!)/.test(line)).map((line) => line.replace(/^npm (?:error|ERR!) ?/, ''));
  // Stack frames and the log file's path are server paths and say nothing about the failure.
  const useful = (errors.length > 0 ? errors : lines.slice(-10))
    .filter((line) => line.trim() !== '' && !/^\s+at |complete log of this run/i.test(line));
  return useful.slice(0, 40).map(redact);
}

function redact(line: string): string {
  return line
    .replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***:***@')
    .replace(/(_authToken|_auth|_password|token|password)(\s*[=:]\s*)\S+/gi, '$1$2***');
}
