import { compileErrorAnswer } from '../answers/answers.ts';
import { requestId } from '../request/id.ts';
import { LightRequest } from '../request/light-request.ts';
import { LightResponse } from '../request/light-response.ts';
import { type CompiledWebtask, whenCompiled } from './compiled.ts';
import { runWebtask, writeAnswer } from './run-webtask.ts';
import { type RequestTiming, requestTiming } from './timing.ts';
import type { AnyWebtaskFunction, JobRequest, PipelineRequest, PipelineResponse, PipelineSettings } from './types.ts';

/** Where a request's time went, in ms, once it answered (absent for answers no webtask gave). */
export interface RunTiming {
  compile: number;
  modules: number;
  user: number;
}

/** The answer of a request run on light objects: a body written only as strings stays a string. */
export interface RunResult {
  statusCode: number;
  headers: Record<string, string | number | string[]>;
  body: string | Buffer;
  requestId: string;
  timing: RunTiming | undefined;
}

/** One request's timing while it runs: filled in when the webtask starts, its user time when the head is written. */
export interface TimingSlot {
  current: RequestTiming | undefined;
}

/**
 * The runner: answer `req` on `res` with the webtask `entry` holds — compiled on first need,
 * shared by every request after — through the pipeline (`runWebtask`). Every entry point runs
 * requests through here: `simulate()`, `createServer()`, and every executor (in this process, in
 * a worker, in a child). With `timing`, the request is measured (its first request reports the
 * build); a compile failure is answered with the compile error.
 */
export function runCompiled(entry: CompiledWebtask, req: PipelineRequest, res: PipelineResponse, settings: PipelineSettings, id: string, timing?: TimingSlot): void {
  if (entry.ready) return runWebtask(entry.ready, req, res, settings, id, timing && measure(entry, entry.ready, timing));
  whenCompiled(entry).then(
    (fn) => runWebtask(fn, req, res, settings, id, timing && measure(entry, fn, timing)),
    (error: unknown) => {
      const { statusCode, body } = compileErrorAnswer(error);
      writeAnswer(res, statusCode, body);
    },
  );
}

function measure(entry: CompiledWebtask, fn: AnyWebtaskFunction, timing: TimingSlot): RequestTiming {
  const first = !entry.reported;
  entry.reported = true;
  return (timing.current = requestTiming(fn, first));
}

/** Run one request given as plain data, on a light request and response (no socket), measured when `timed`. */
export function runRequest(entry: CompiledWebtask, request: JobRequest, settings: PipelineSettings, timed: boolean, id: string = request.id ?? requestId()): Promise<RunResult> {
  return new Promise((resolve) => {
    const body = request.body && Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const req = new LightRequest({ method: request.method, url: request.url, headers: request.headers, body });
    const timing: TimingSlot | undefined = timed ? { current: undefined } : undefined;
    const res = new LightResponse(({ statusCode, headers, body }) => resolve({ statusCode, headers, body, requestId: id, timing: finished(timing?.current) }));
    runCompiled(entry, req, res, settings, id, timing);
  });
}

/**
 * Answer a request on Node's own request and response: the body streamed by the pipeline,
 * nothing buffered or copied. Resolves with the request id and timing once the response is finished.
 */
export function serveRequest(entry: CompiledWebtask, req: PipelineRequest, res: PipelineResponse & NodeJS.EventEmitter & { writableFinished: boolean }, settings: PipelineSettings, id: string): Promise<{ requestId: string; timing: RunTiming | undefined }> {
  return new Promise((resolve) => {
    const timing: TimingSlot = { current: undefined };
    const done = (): void => resolve({ requestId: id, timing: finished(timing.current) });
    if (res.writableFinished) return done();
    res.once('close', done);
    runCompiled(entry, req, res, settings, id, timing);
  });
}

function finished(timing: RequestTiming | undefined): RunTiming | undefined {
  return timing && { compile: timing.compile, modules: timing.modules, user: timing.user ?? 0 };
}
