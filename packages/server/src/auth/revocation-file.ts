import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RevocationStore } from '@ext-compilers/tokens';

const JTI = /^[0-9a-f]{32}$/;

/**
 * Revoked jtis in a file of the data directory, one per line, appended and synced before the
 * revocation is answered; read once at open. A jti is not a secret (revoking needs the token).
 */
export async function openRevocationFile(file: string): Promise<RevocationStore> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const revoked = new Set<string>();
  try {
    for (const line of (await readFile(file, 'utf8')).split('\n')) if (JTI.test(line)) revoked.add(line);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  let writing = Promise.resolve();
  return {
    async isRevoked(jtis) {
      return jtis.some((jti) => revoked.has(jti));
    },
    revoke(jti) {
      if (!JTI.test(jti)) return Promise.reject(new TypeError('A jti is 32 hex characters.'));
      if (revoked.has(jti)) return writing;
      revoked.add(jti);
      const write = async (): Promise<void> => {
        await appendFile(file, `${jti}\n`, { mode: 0o600 });
        const handle = await open(file, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      };
      writing = writing.then(write, write);
      return writing;
    },
  };
}
