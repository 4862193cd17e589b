import { nodejsCompiler } from '../nodejs-compiler.ts';
import type { ConformanceCase } from '../types.ts';
import type { Observation } from './observation.ts';
import { loadSimulate, type SimulatedResponse } from './runtime.ts';

type Compiler = (options: object, cb: (error: unknown, fn?: unknown) => void) => unknown;

/** Keeps webtask-runtime from logging every error answer to the console. */
export const SILENT_LOGGER: Record<string, () => void> = { info() {}, warn() {}, error() {}, log() {} };

/**
 * Run a case in this process: compile its script with `compilers[point]`, then send its requests
 * one after the other to the compiled function through `simulate()`. Resolves once, on the last
 * answer, a compile error, an uncaught exception (attributed to this case: cases run one at a time)
 * or `timeout` milliseconds without progress.
 */
export function observe(compilers: Record<string, unknown>, testCase: ConformanceCase, timeout: number): Promise<Observation> {
  const compiler = compilers[testCase.point];
  if (typeof compiler !== 'function') {
    return Promise.resolve({ kind: 'unavailable', message: `the compilers module exports no function ${JSON.stringify(testCase.point)}` });
  }
  const simulate = loadSimulate();
  const responses: SimulatedResponse[] = [];
  return new Promise<Observation>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (observation: Observation): void => {
      clearTimeout(timer);
      process.removeListener('uncaughtException', onUncaught);
      resolve(observation);
    };
    const onUncaught = (error: unknown): void => finish({ kind: 'crash', message: messageOf(error), responses });
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ kind: 'hang', responses }), timeout);
    };
    const send = (fn: unknown, index: number): void => {
      const request = testCase.requests[index];
      if (!request) return finish({ kind: 'answer', responses });
      arm();
      try {
        simulate(fn, { ...request, secrets: { ...testCase.secrets }, logger: SILENT_LOGGER }, (res) => {
          responses.push({ statusCode: res.statusCode, headers: { ...res.headers }, payload: String(res.payload) });
          send(fn, index + 1);
        });
      } catch (error) {
        // A synchronous throw out of the webtask function: on a real server, an uncaught exception.
        finish({ kind: 'crash', message: messageOf(error), responses });
      }
    };
    process.on('uncaughtException', onUncaught);
    arm();
    let compiled = false;
    try {
      (compiler as Compiler)({ script: testCase.script, nodejsCompiler, secrets: { ...testCase.secrets }, meta: {} }, (error, fn) => {
        if (compiled) return;
        compiled = true;
        if (error) return finish({ kind: 'compile-error', message: messageOf(error) });
        send(fn, 0);
      });
    } catch (error) {
      finish({ kind: 'crash', message: `the compiler threw: ${messageOf(error)}`, responses });
    }
  });
}

export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}
