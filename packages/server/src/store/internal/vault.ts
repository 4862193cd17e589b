import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Turns secret values into what is kept at rest, and back. */
export interface Vault {
  seal(values: Readonly<Record<string, string>>, context: string): unknown;
  /** Throws when `sealed` cannot be opened in `context` (altered, moved, or another key). */
  open(sealed: unknown, context: string): Record<string, string>;
}

/** An AES-256-GCM envelope of the secrets' JSON, as written to disk. */
export interface SealedSecrets {
  readonly alg: 'A256GCM';
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

export const KEY_SIZE = 32;
const IV_SIZE = 12;
const TAG_SIZE = 16;

/** The memory store's vault: values are kept as a frozen copy; nothing is at rest. */
export const plainVault: Vault = {
  seal: (values) => Object.freeze({ ...values }),
  open: (sealed) => ({ ...(sealed as Record<string, string>) }),
};

/**
 * AES-256-GCM with a random 12-byte IV per seal (a key seals far fewer than the 2^32 messages that
 * random IVs allow). `context` is the additional authenticated data: it names the webtask and its
 * secret names, so a ciphertext copied to another webtask, or names edited on disk, fail to open.
 */
export function createAesVault(key: Buffer): Vault {
  if (key.length !== KEY_SIZE) throw new RangeError(`An AES-256 key has ${KEY_SIZE} bytes`);
  return {
    seal: (values, context) => sealText(key, JSON.stringify(values), context),
    open: (sealed, context) => JSON.parse(openText(key, sealed, context)) as Record<string, string>,
  };
}

/** AES-256-GCM of a text, a random 12-byte IV, `context` as the additional authenticated data. */
export function sealText(key: Buffer, text: string, context: string): SealedSecrets {
  const iv = randomBytes(IV_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(text), cipher.final()]);
  return { alg: 'A256GCM', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** The text of a sealed envelope; throws when it was altered, moved to another context, or sealed with another key. */
export function openText(key: Buffer, sealed: unknown, context: string): string {
  const { iv, tag, ciphertext } = parseSealed(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_SIZE });
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  // final() throws unless the tag authenticates ciphertext and context under this key.
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

function parseSealed(sealed: unknown): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const value = (typeof sealed === 'object' && sealed !== null ? sealed : {}) as Partial<Record<keyof SealedSecrets, unknown>>;
  if (value.alg !== 'A256GCM' || typeof value.iv !== 'string' || typeof value.tag !== 'string' || typeof value.ciphertext !== 'string') {
    throw new Error('not an A256GCM envelope');
  }
  const iv = Buffer.from(value.iv, 'base64');
  const tag = Buffer.from(value.tag, 'base64');
  if (iv.length !== IV_SIZE || tag.length !== TAG_SIZE) throw new Error('bad IV or tag length');
  return { iv, tag, ciphertext: Buffer.from(value.ciphertext, 'base64') };
}
