export { createMemoryRevocationStore } from './create-memory-revocation-store.ts';
export { createTokenService, type TokenService, type TokenServiceOptions } from './create-token-service.ts';
export { generateKeys } from './generate-keys.ts';
export { tokenErrorStatus } from './token-error-status.ts';
export type {
  ContainerScope,
  InspectedToken,
  IssueClaims,
  KeyBytes,
  RevocationStore,
  TokenClaims,
  TokenKeys,
  TokenLimits,
  VerifiedToken,
} from './types.ts';
