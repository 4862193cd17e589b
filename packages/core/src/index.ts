export { authorize, PREVIOUS_SECRET_NAME, SECRET_NAME } from './authorize.ts';
export { type Compiled, type CompileScriptSettings, compileScript } from './compile-script.ts';
export {
  type BodyCheck,
  defineExtensibilityPoint,
  type ExtensibilityPointDefinition,
  type FieldKind,
  type ResultCheck,
  type ResultKind,
} from './define-extensibility-point.ts';
export { type ExtensibilityPointMarkdownOptions, extensibilityPointMarkdown } from './extensibility-point-markdown.ts';
export { errorPayload, isError, sendError, sendSuccess, successPayload, toError } from './answers/envelope.ts';
export { type ErrorClassSpec, errorClassesSource } from './errors/error-class.ts';
export { ExtCompilersError, type ExtCompilersErrorCode } from './errors/ext-compilers-error.ts';
export { userStack } from './errors/user-stack.ts';
export {
  ExtensibilityUserError,
  InvalidRequestError,
  InvalidScopeError,
  PreUserRegistrationError,
  SendPhoneMessageError,
  ServerError,
} from './errors/extensibility-user-error.ts';
export { DEFAULT_MAX_BODY_SIZE, type ReadBodyOptions, readBody } from './body/read-body.ts';
export { BUFFERED_BODY, readStream } from './body/read-stream.ts';
export { createFileOnce } from './host/create-file-once.ts';
export { processAlive } from './host/process-alive.ts';
export { replaceFile, type ReplaceFileOptions } from './host/replace-file.ts';
export { sweepTemporaryFiles, type SweepTemporaryFilesOptions } from './host/sweep-temporary-files.ts';
export { syncDirectory } from './host/sync-directory.ts';
export type {
  Callback,
  CompilerOptions,
  ExtensibilityHandler,
  Logger,
  NodejsCompiler,
  WebtaskCompiler,
  WebtaskContext,
  WebtaskFunction,
  WebtaskRequest,
  WebtaskResponse,
} from './types.ts';
export type { HookOf, PointHook } from './point-hook.ts';
export { settleHook } from './settle-hook.ts';
export { type Reply, withBody } from './with-body.ts';
