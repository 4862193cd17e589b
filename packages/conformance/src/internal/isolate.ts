import { spawn } from 'node:child_process';
import type { ConformanceCase } from '../types.ts';
import type { Observation } from './observation.ts';
import { POINTS } from './points.ts';
import { runtimePath, type SimulatedResponse } from './runtime.ts';

// The child is self-contained CommonJS: it needs no build of this package, only webtask-runtime
// (loaded plainly: its warning goes to the child's stderr, which only serves crash messages)
// and the compilers module. It prints one JSON line per event; the parent reads the exit status
// to tell an answer from a crash (uncaught exception) or a hang (no answer, killed or idle exit).
const CHILD_SOURCE = `
const Module = require('module');
const Path = require('path');
const job = JSON.parse(process.env.EXT_COMPILERS_CONFORMANCE_JOB);
const { simulate } = require(job.runtime);
const silent = { info() {}, warn() {}, error() {}, log() {} };
const out = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
function nodejsCompiler(script, cb) {
  const mod = new Module(job.filename);
  mod.filename = job.filename;
  mod.paths = Module._nodeModulePaths(Path.dirname(job.filename));
  let exported;
  try { exported = mod._compile(script, job.filename) || mod.exports; } catch (error) { return cb(error); }
  cb(null, exported);
}
import(job.target).then((ns) => {
  const keys = ${JSON.stringify(POINTS)};
  const has = (value) => !!value && keys.some((key) => typeof value[key] === 'function');
  const compilers = has(ns.default) ? ns.default : ns;
  const options = { script: job.script, nodejsCompiler, secrets: job.secrets, meta: {} };
  compilers[job.point](options, (error, fn) => {
    if (error) return out({ compileError: String(error && error.message) });
    let index = 0;
    const next = () => {
      const request = job.requests[index++];
      if (!request) return setTimeout(() => process.exit(0), 50).unref();
      simulate(fn, Object.assign({}, request, { secrets: job.secrets, logger: silent }), (res) => {
        out({ response: { statusCode: res.statusCode, headers: res.headers, payload: String(res.payload) } });
        next();
      });
    };
    next();
  });
});
`;

interface ChildEvent {
  compileError?: string;
  response?: SimulatedResponse;
}

/**
 * Run a case in a child Node process (same Node flags, so a TypeScript target still loads), for
 * cases expected to crash the process or hang. `targetUrl` is the compilers module's URL.
 */
export function isolate(targetUrl: string, testCase: ConformanceCase, timeout: number): Promise<Observation> {
  const job = {
    runtime: runtimePath(),
    target: targetUrl,
    point: testCase.point,
    script: testCase.script,
    secrets: { ...testCase.secrets },
    requests: testCase.requests,
    filename: `${process.cwd()}/webtask.js`,
  };
  const execArgv = childFlags(targetUrl);
  const child = spawn(process.execPath, [...execArgv, '-e', CHILD_SOURCE], {
    env: { ...process.env, EXT_COMPILERS_CONFORMANCE_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ kind: 'unavailable', message: `could not start a child process: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(interpret(stdout, stderr, code, timedOut, testCase.requests.length));
    });
  });
}

// A JavaScript target needs none of this process's loaders (tsx costs each child ~0.3 s of CPU);
// a TypeScript one needs them all. Export conditions are kept either way.
function childFlags(targetUrl: string): string[] {
  const flags = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  if (/\.[cm]?tsx?$/.test(targetUrl)) return flags;
  return flags.filter((flag, i) => /^(--conditions|-C)(=|$)/.test(flag) || /^(--conditions|-C)$/.test(flags[i - 1] ?? ''));
}

function interpret(stdout: string, stderr: string, code: number | null, timedOut: boolean, expected: number): Observation {
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ChildEvent);
  const responses = events.flatMap((event) => (event.response ? [event.response] : []));
  const compileError = events.find((event) => event.compileError !== undefined)?.compileError;
  if (!timedOut && code !== 0) return { kind: 'crash', message: firstErrorLine(stderr), responses };
  if (compileError !== undefined) return { kind: 'compile-error', message: compileError };
  if (timedOut || responses.length < expected) return { kind: 'hang', responses };
  return { kind: 'answer', responses };
}

function firstErrorLine(stderr: string): string {
  return stderr.split('\n').find((line) => /^\w*(Error|Exception)\b/.test(line)) ?? `exit with ${stderr.trim().split('\n').pop() ?? 'no output'}`;
}
