import { createTokenService, generateKeys, type RevocationStore, type TokenService } from '@ext-compilers/tokens';

/** 2030-01-01T00:00:00Z, in seconds: every test's "now" unless it moves the clock. */
export const NOW = 1893456000;

export interface TestService extends TokenService {
  /** Sets the injected clock, in Unix seconds. */
  setNow(seconds: number): void;
}

export function testService(options: { revocations?: RevocationStore; maxRegexLength?: number } = {}): TestService {
  let now = NOW * 1000;
  const service = createTokenService({ ...generateKeys(), now: () => now, ...options });
  return Object.assign(service, { setNow: (seconds: number) => void (now = seconds * 1000) });
}

/** The error a promise rejects with (`assert.throws` is synchronous). */
export async function rejects(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}

/** The error code a promise rejects with. */
export async function code(promise: Promise<unknown>): Promise<string | undefined> {
  return (await rejects(promise)).code;
}

/** A token's payload as anyone holding it can read it. */
export function payloadText(token: string): string {
  return Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8');
}

export function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
