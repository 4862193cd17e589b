export { type CompileCallback, type CompileOptions, compile } from './compile.ts';
export { syntaxErrorOf } from './compile/syntax.ts';
export { type CreateContextOptions, createContext, type WebtaskContext } from './create-context.ts';
export {
  createExecutor,
  type Executor,
  type ExecutorJob,
  type ExecutorOptions,
  type JobCompileOptions,
  type JobRequest,
  type JobResult,
  type JobSettings,
  type JobWebtask,
  type LogEntry,
  type Sandbox,
  type ServeJob,
} from './create-executor.ts';
export { type JailSupport, jailSupport } from './executor/jail/support.ts';
export { createJobWebtask, type JobWebtaskOptions } from './create-job-webtask.ts';
export { type EgressAllow, egressDecision, guardedLookup, parseEgressAllow } from './executor/egress/decision.ts';
export { type CreateServerOptions, createServer } from './create-server.ts';
export {
  type CreateStorageOptions,
  createStorage,
  type StorageGetOptions,
  type StorageSave,
  type StorageSetOptions,
  type WebtaskStorage,
} from './create-storage.ts';
export { createNodejsCompiler, type NodejsCompilerOptions, nodejsCompiler } from './nodejs-compiler.ts';
export { type SimulateOptions, type SimulateResult, simulate } from './simulate.ts';

/** `pb` values, as webtask-runtime exports them. */
export const PARSE_NEVER = 0;
export const PARSE_ALWAYS = 1;
export const PARSE_ON_ARITY = 2;
