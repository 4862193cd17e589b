import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createMemoryRevocationStore, createTokenService, generateKeys } from '@ext-compilers/tokens';

test('generateKeys: two different 32-byte keys, fresh each call', () => {
  const a = generateKeys();
  const b = generateKeys();
  assert.instance(a.signingKey, Uint8Array);
  assert.instance(a.encryptionKey, Uint8Array);
  assert.is(a.signingKey.length, 32);
  assert.is(a.encryptionKey.length, 32);
  assert.is.not(Buffer.from(a.signingKey).toString('hex'), Buffer.from(a.encryptionKey).toString('hex'));
  assert.is.not(Buffer.from(a.signingKey).toString('hex'), Buffer.from(b.signingKey).toString('hex'));
});

test('createTokenService refuses short, missing, equal or non-byte keys and bad options with a TypeError', () => {
  const { signingKey, encryptionKey } = generateKeys();
  const bad: unknown[] = [
    undefined,
    {},
    { signingKey: new Uint8Array(31), encryptionKey },
    { signingKey, encryptionKey: new Uint8Array(31) },
    { signingKey: 'x'.repeat(64), encryptionKey },
    { signingKey, encryptionKey: Buffer.from(signingKey) },
    { signingKey, encryptionKey, revocations: {} },
    { signingKey, encryptionKey, now: 5 },
    { signingKey, encryptionKey, maxRegexLength: 0 },
  ];
  for (const options of bad) assert.throws(() => createTokenService(options as never), TypeError, JSON.stringify(options));
});

test('a TypeError for a key never shows the key', () => {
  const signingKey = Buffer.from('0123456789abcdef0123456789abcdef');
  try {
    createTokenService({ signingKey, encryptionKey: signingKey });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, TypeError);
    assert.not.match((error as Error).message, '0123456789abcdef');
  }
});

test('keys longer than 32 bytes and Buffers work; a service copies its keys', async () => {
  const signingKey = Buffer.alloc(64, 1);
  const encryptionKey = Buffer.alloc(48, 2);
  const service = createTokenService({ signingKey, encryptionKey });
  const token = await service.issue({ ten: 'c', ectx: { s: 'v' } });
  signingKey.fill(9);
  encryptionKey.fill(9);
  assert.equal((await service.verify(token)).secrets, { s: 'v' });
});

test('the memory revocation store: any revoked jti of a list counts', async () => {
  const store = createMemoryRevocationStore();
  assert.is(await store.isRevoked(['a', 'b']), false);
  await store.revoke('b');
  await store.revoke('b');
  assert.is(await store.isRevoked(['a', 'b']), true);
  assert.is(await store.isRevoked(['a']), false);
  assert.is(await store.isRevoked([]), false);
});

test.run();
