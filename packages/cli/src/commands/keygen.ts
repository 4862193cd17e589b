import { randomBytes } from 'node:crypto';
import type { Command } from '../internal/command.ts';
import { EXIT } from '../internal/errors.ts';
import { out } from '../internal/io.ts';

export const keygen: Command = {
  name: 'keygen',
  summary: 'Print a new master key for a cluster ("start --database").',
  description:
    "32 random bytes, base64url, on one line. Every node of a cluster starts with the same key, from EXT_COMPILERS_MASTER_KEY or the file --master-key-file names (mode 0600): it seals everything secret in the database (secrets, code, meta, storage, the token keys and the admin token). Keep a copy apart from the database's backups: without it they cannot be read.",
  examples: ['(umask 077; ext-compilers keygen > master.key)', 'ext-compilers start --database postgres://ext@db:5432/ext --master-key-file master.key'],
  async run() {
    out(randomBytes(32).toString('base64url'));
    return EXIT.ok;
  },
};
