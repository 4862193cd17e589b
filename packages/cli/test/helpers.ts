// Runs the real bin (packages/cli/bin/ext-compilers.cjs → dist/index.cjs) as a child process, the
// way users run it. It needs the build: `npm test` builds first; alone, run `npm run build`.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT: string = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN: string = join(ROOT, 'packages/cli/bin/ext-compilers.cjs');
const DIST = join(ROOT, 'packages/cli/dist/index.cjs');

/** Fails the test (not skips it) when the build is missing, saying what to do. */
export function assertBuilt(): void {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: these tests run the built bin; run "npm run build" first (npm test does).`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ext-compilers-cli-${prefix}-`));
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of every child: a private profiles directory, nothing inherited that could change the CLI's behaviour. */
export function envWith(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, EXT_COMPILERS_HOME: home };
  delete env.NODE_OPTIONS;
  // Colour is pinned off whatever the caller's terminal set: the tests compare stderr, and Node 24
  // prints a warning there when NO_COLOR and FORCE_COLOR are both set.
  delete env.FORCE_COLOR;
  delete env.NODE_DISABLE_COLORS;
  env.NO_COLOR = '1';
  // Under npm (npm test) start would advise npx: the tests pin the plain command.
  delete env.npm_lifecycle_event;
  // A database in the caller's environment would make every start a cluster's node.
  delete env.DATABASE_URL;
  delete env.EXT_COMPILERS_MASTER_KEY;
  return env;
}

/**
 * Run the bin to completion; killed (and the test failed) past `timeout` ms. `closedStdout`: the
 * reading end of its stdout is closed at once, as `| head -1` does once it has its line.
 */
export function run(args: string[], options: { env: NodeJS.ProcessEnv; timeout?: number; cwd?: string; closedStdout?: boolean }): Promise<Result> {
  const timeout = options.timeout ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: options.env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (options.closedStdout) child.stdout.destroy();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ext-compilers ${args.join(' ')} did not finish within ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeout);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running bin (start, serve, logs): its output so far, a wait for a line, a stop. */
export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects past `timeout` ms. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  /** SIGINT, then the exit code (SIGKILL past 5 s). */
  stop(): Promise<number | null>;
  /** Its exit code once it has exited by itself (null: by a signal, `child.signalCode`); rejects past `timeout` ms. */
  exit(timeout?: number): Promise<number | null>;
}

/**
 * Start the bin and keep it running. `npx`: through `npx ext-compilers` (npm, then the sh npm runs
 * it with), in a process group of its own, as a terminal runs a foreground job.
 */
export function launch(args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; closedStdout?: boolean; npx?: boolean }): Running {
  const [command, argv] = options.npx ? ['npx', ['ext-compilers', ...args]] : [process.execPath, [BIN, ...args]];
  const child = spawn(command, argv, { env: options.env, cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: options.npx === true });
  if (options.closedStdout) child.stdout.destroy();
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  child.stdout!.on('data', (chunk) => ((stdout += chunk), changed()));
  child.stderr!.on('data', (chunk) => ((stderr += chunk), changed()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (changed(), resolve(code))));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor(pattern, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (match) return done(() => resolve(match));
          if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`ext-compilers ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}\nstdout: ${stdout}\nstderr: ${stderr}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`ext-compilers ${args.join(' ')} did not print ${pattern} within ${timeout} ms\nstdout: ${stdout}\nstderr: ${stderr}`))), timeout);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
    exit: (timeout = 15_000) => within(timeout, exited, `ext-compilers ${args.join(' ')} exiting`),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Reject past `ms`: every test is bounded in time. */
export function within<T>(ms: number, promise: Promise<T>, what = 'the test'): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}

/** An address where nothing listens: a port just freed. */
export async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/**
 * uvu drops an error thrown in a `before` hook without a word: set-up runs here instead, and each
 * test calls the returned `ready()`, which throws the set-up's error (a missing build, a server
 * that did not start) as that test's failure.
 */
export function setUp(action: () => Promise<void> | void): { before(): Promise<void>; ready(): void } {
  let failure: unknown;
  return {
    async before() {
      try {
        await action();
      } catch (error) {
        failure = error;
      }
    },
    ready() {
      if (failure !== undefined) throw failure;
    },
  };
}
