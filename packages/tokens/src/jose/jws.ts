import { CompactSign, compactVerify } from 'jose';
import type { ExtCompilersError } from '@ext-compilers/core';
import { type TokenErrorCode, tokenError } from '../service/token-errors.ts';

// No `typ: JWT` and no `kid`: sandboxjs takes a `typ: JWT` header for an Auth0 ("auth v2") access
// token, and there is one signing key.
const HEADER = { alg: 'HS256' } as const;
// The one algorithm accepted: `none`, HS512, RS256 with the key as a "public key"… all fail here,
// before any signature is computed.
const VERIFY_OPTIONS = { algorithms: ['HS256'] };

export async function signPayload(payload: object, key: Uint8Array): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(HEADER).sign(key);
}

/**
 * The payload of a token this server signed, as a plain object. jose compares the HMAC in constant
 * time; its errors become `ERR_TOKEN_*` here, the boundary.
 */
export async function verifyPayload(token: string, key: Uint8Array): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await compactVerify(token, key, VERIFY_OPTIONS));
  } catch (error) {
    throw fromJose(error);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw tokenError('ERR_TOKEN_MALFORMED', 'The token payload is not JSON.', { cause: error });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw tokenError('ERR_TOKEN_MALFORMED', 'The token payload is not a JSON object.');
  }
  return payload as Record<string, unknown>;
}

const FROM_JOSE: Record<string, [TokenErrorCode, string]> = {
  ERR_JOSE_ALG_NOT_ALLOWED: ['ERR_TOKEN_ALGORITHM', 'The token is not signed with HS256.'],
  ERR_JOSE_NOT_SUPPORTED: ['ERR_TOKEN_ALGORITHM', 'The token is not signed with HS256.'],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ['ERR_TOKEN_SIGNATURE', 'The token signature is not valid.'],
};

function fromJose(error: unknown): ExtCompilersError {
  const [code, message] = FROM_JOSE[(error as { code?: string } | null)?.code ?? ''] ?? ['ERR_TOKEN_MALFORMED', 'The token is not a compact JWS.'];
  return tokenError(code, message, { cause: error });
}
