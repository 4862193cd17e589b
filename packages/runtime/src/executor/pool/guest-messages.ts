import type { Fault } from '../../answers/answers.ts';
import type { GuestMessage, JobResult, LogLevel, StorageOperation } from '../types.ts';

// The host trusts nothing a guest sends: user code shares the guest with the runtime and can post
// anything on its channel. Every message is checked here before the pool acts on it; a message
// that is not one the runtime's guest could have sent is a protocol fault, which stops that guest.

/** A guest's answer, checked: the result to write, or the fault that ends the guest. */
export type CheckedResult = { result: JobResult; recycle: boolean } | { fault: Fault };

// RFC 9110 token characters for a field name; a value may not hold CR, LF or NUL.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\r\n\0]/;
const MAX_HEADERS = 200;

/** The shape of a message, or `undefined` when it is none the runtime's guest sends. */
export function messageType(message: unknown): GuestMessage['type'] | undefined {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'ready' || type === 'result' || type === 'storage' || type === 'log' || type === 'fault' || type === 'released' ? type : undefined;
}

/** A `result` message as the answer the host writes: status, headers and body checked, the body capped. */
export function checkResult(message: GuestMessage & { type: 'result' }, maxSize: number): CheckedResult {
  const { statusCode, headers, body } = message;
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return protocol(`status ${describe(statusCode)} is not an HTTP status`);
  const checked = checkHeaders(headers);
  if (typeof checked === 'string') return protocol(checked);
  const bytes = typeof body === 'string' ? Buffer.from(body) : body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined;
  if (!bytes) return protocol('the body is neither a string nor bytes');
  if (bytes.length > maxSize) return { fault: { kind: 'too-large', limit: maxSize } };
  const result: JobResult = { statusCode, headers: checked, body: bytes, timing: timingOf(message.timing), requestId: typeof message.requestId === 'string' ? message.requestId : undefined };
  return { result, recycle: message.recycle === true };
}

function checkHeaders(headers: unknown): JobResult['headers'] | string {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return 'the headers are not an object';
  const names = Object.keys(headers);
  if (names.length > MAX_HEADERS) return `more than ${MAX_HEADERS} headers`;
  const checked: JobResult['headers'] = {};
  for (const name of names) {
    const value = (headers as Record<string, unknown>)[name];
    if (!HEADER_NAME.test(name)) return `the header name ${JSON.stringify(name.slice(0, 40))} is not legal`;
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      if ((typeof one !== 'string' && typeof one !== 'number') || BAD_VALUE.test(String(one))) return `the value of header ${name} is not legal`;
    }
    checked[name] = value as string | number | string[];
  }
  return checked;
}

function timingOf(timing: unknown): JobResult['timing'] {
  const { compile, modules, user } = (timing ?? {}) as { compile?: unknown; modules?: unknown; user?: unknown };
  return typeof compile === 'number' && typeof modules === 'number' && typeof user === 'number' ? { compile, modules, user } : undefined;
}

/** A storage operation as the host serves it, or `undefined` when malformed. */
export function checkStorage(message: GuestMessage & { type: 'storage' }): StorageOperation | undefined {
  const { sid, operation } = message;
  if (!Number.isSafeInteger(sid) || typeof operation !== 'object' || operation === null) return undefined;
  if (operation.op === 'get') return { op: 'get' };
  if (operation.op !== 'set') return undefined;
  const { json, expected, force } = operation;
  if (json !== undefined && typeof json !== 'string') return undefined;
  if (expected !== undefined && expected !== null && typeof expected !== 'string') return undefined;
  return { op: 'set', json, expected, force: force === true };
}

const LEVELS = new Set<unknown>(['info', 'warn', 'error']);

/** A console line's level and text; the job it belongs to is the host's to say, never the guest's. */
export function checkLog(message: GuestMessage & { type: 'log' }): { level: LogLevel; text: string } {
  const { level, text } = message;
  const line = typeof text === 'string' ? text : String(text);
  return { level: LEVELS.has(level) ? level : 'info', text: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line };
}

// As the guest's own console cuts a line (job/logs.ts).
const MAX_LINE = 8192;

function protocol(message: string): CheckedResult {
  return { fault: { kind: 'protocol', message } };
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}
