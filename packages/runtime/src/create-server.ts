import { createServer as createHttpServer, type Server } from 'node:http';
import { ExtCompilersError } from '@ext-compilers/core';
import { runWebtask } from './internal/pipeline.ts';
import { answerCompileError, compileForPipeline, type PassedCompileOptions, passedCompileOptions } from './internal/pipeline-compile.ts';
import { type RuntimeOptions, resolveSettings } from './internal/pipeline-options.ts';
import type { AnyWebtaskFunction, PipelineRequest, PipelineResponse } from './internal/pipeline-types.ts';

/** Where user code runs. Only `in-process` is available so far. */
export type Sandbox = 'in-process' | 'worker' | 'process';

/** Options of `createServer()`: the runtime's and compile()'s options, plus the executor. */
export interface CreateServerOptions extends RuntimeOptions, PassedCompileOptions {
  /** Default `in-process` (no isolation: user code runs in this process). */
  sandbox?: Sandbox | undefined;
}

/**
 * A `node:http` server that runs one webtask (a function, or code compiled once with compile())
 * for every request, through the same pipeline as `simulate()`. Not listening: call `listen()`.
 */
export function createServer(codeOrFunction: string | AnyWebtaskFunction, options: CreateServerOptions = {}): Server {
  const sandbox = options.sandbox ?? 'in-process';
  if (sandbox !== 'in-process') {
    throw new ExtCompilersError('ERR_NOT_SUPPORTED', `The '${String(sandbox)}' sandbox is not supported yet; use 'in-process'`, { details: { sandbox } });
  }
  if (typeof codeOrFunction !== 'function' && typeof codeOrFunction !== 'string') {
    throw new TypeError('createServer: the webtask must be a function, or code that exports or returns one');
  }
  const settings = resolveSettings(options);
  let fn = typeof codeOrFunction === 'function' ? codeOrFunction : undefined;
  let failure: unknown;
  const ready =
    typeof codeOrFunction === 'string'
      ? compileForPipeline(codeOrFunction, passedCompileOptions(options), settings, true).then(
          (compiled) => void (fn = compiled),
          (error: unknown) => void (failure = error),
        )
      : Promise.resolve();
  return createHttpServer((req, res) => {
    const request = req as unknown as PipelineRequest;
    const response = res as unknown as PipelineResponse;
    if (fn) return runWebtask(fn, request, response, settings);
    if (failure !== undefined) return answerCompileError(response, failure);
    ready.then(() => (fn ? runWebtask(fn, request, response, settings) : answerCompileError(response, failure)));
  });
}
