import type { RevocationStore } from './types.ts';

/**
 * The default revocation store: a set of jtis in memory. It is lost when the process exits and is
 * not shared between processes, so a server that keeps tokens longer than its process lives passes
 * its own `RevocationStore` (a file, a database table) to `createTokenService`.
 */
export function createMemoryRevocationStore(): RevocationStore {
  const revoked = new Set<string>();
  return {
    isRevoked: async (jtis) => jtis.some((jti) => revoked.has(jti)),
    revoke: async (jti) => {
      revoked.add(jti);
    },
  };
}
