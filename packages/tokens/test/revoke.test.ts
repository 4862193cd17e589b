import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RevocationStore } from '@ext-compilers/tokens';
import { code, NOW, rejects, testService } from './helpers/service.ts';

async function chain() {
  const service = testService();
  const root = await service.issue({ ten: 'c', dd: 3 });
  const parent = await service.issue({ dd: 2 }, { issuer: root });
  const child = await service.issue({ dd: 1 }, { issuer: parent });
  const grandchild = await service.issue({ dr: 1 }, { issuer: child });
  const sibling = await service.issue({}, { issuer: root });
  return { service, root, parent, child, grandchild, sibling };
}

test('revoking a token revokes its descendants, not its ancestors or siblings', async () => {
  const { service, root, parent, child, grandchild, sibling } = await chain();
  const jti = await service.revoke(parent, { by: root });
  assert.is(jti, (await service.inspect(parent)).claims.jti);
  for (const token of [parent, child, grandchild]) assert.is(await code(service.verify(token)), 'ERR_TOKEN_REVOKED');
  assert.ok(await service.verify(root));
  assert.ok(await service.verify(sibling));
  assert.is(await code(service.issue({}, { issuer: child })), 'ERR_TOKEN_REVOKED');
});

test('a token may revoke itself unless dr is 1; an ancestor may revoke it anyway', async () => {
  const { service, child, grandchild } = await chain();
  assert.is(await code(service.revoke(grandchild, { by: grandchild })), 'ERR_TOKEN_FORBIDDEN');
  assert.ok(await service.verify(grandchild));
  await service.revoke(grandchild, { by: child });
  assert.is(await code(service.verify(grandchild)), 'ERR_TOKEN_REVOKED');
  await service.revoke(child, { by: child });
  assert.is(await code(service.verify(child)), 'ERR_TOKEN_REVOKED');
});

test('descendants, siblings and strangers may not revoke; nor may an expired or revoked token', async () => {
  const { service, root, parent, child, sibling } = await chain();
  const stranger = await service.issue({ ten: 'c', dd: 1 });
  for (const [target, by] of [[parent, child], [parent, sibling], [parent, stranger], [root, parent]] as const) {
    assert.is(await code(service.revoke(target, { by })), 'ERR_TOKEN_FORBIDDEN');
  }
  await service.revoke(root);
  assert.is(await code(service.revoke(sibling, { by: parent })), 'ERR_TOKEN_REVOKED');
  const other = testService();
  const expiring = await other.issue({ ten: 'c', exp: NOW + 1 });
  other.setNow(NOW + 2);
  assert.is(await code(other.revoke(expiring, { by: expiring })), 'ERR_TOKEN_EXPIRED');
});

test('by jti: the server (no by) or the token itself; an expired token can still be revoked by the server', async () => {
  const { service, child, parent } = await chain();
  const parentJti = (await service.inspect(parent)).claims.jti;
  assert.is(await code(service.revoke(parentJti, { by: child })), 'ERR_TOKEN_FORBIDDEN');
  assert.is(await service.revoke(parentJti, { by: parent }), parentJti);
  assert.is(await code(service.verify(child)), 'ERR_TOKEN_REVOKED');
  const expiring = await service.issue({ ten: 'c', exp: NOW + 1 });
  service.setNow(NOW + 2);
  assert.match(await service.revoke(expiring), /^[0-9a-f]{32}$/);
  assert.is(await code(service.revoke('not-a-jti-or-token')), 'ERR_TOKEN_MALFORMED');
});

test('a custom revocation store sees the whole chain and each revoked jti', async () => {
  const revoked: string[] = [];
  const asked: string[][] = [];
  const store: RevocationStore = {
    isRevoked: async (jtis) => {
      asked.push([...jtis]);
      return jtis.some((jti) => revoked.includes(jti));
    },
    revoke: async (jti) => void revoked.push(jti),
  };
  const service = testService({ revocations: store });
  const root = await service.issue({ ten: 'c', dd: 1 });
  const child = await service.issue({}, { issuer: root });
  const [r, c] = [(await service.inspect(root)).claims.jti, (await service.inspect(child)).claims.jti];
  asked.length = 0;
  await service.verify(child);
  assert.equal(asked, [[r, c]]);
  await service.revoke(root);
  assert.equal(revoked, [r]);
  assert.is(await code(service.verify(child)), 'ERR_TOKEN_REVOKED');
});

test('inspect: claims always, secrets only with decrypt, whatever the validity period or revocation, which it says', async () => {
  const service = testService();
  const token = await service.issue({ ten: 'c', exp: NOW + 1, ectx: { s: 'v' } });
  const parent = await service.issue({ ten: 'c', dd: 1 });
  const child = await service.issue({}, { issuer: parent });
  assert.equal([(await service.inspect(token)).revoked, (await service.inspect(child)).revoked], [false, false]);
  await service.revoke(token);
  await service.revoke(parent);
  service.setNow(NOW + 10);
  const plain = await service.inspect(token);
  assert.equal(Object.keys(plain), ['claims', 'revoked']);
  assert.is(plain.revoked, true);
  // Revoked through its ancestor.
  assert.is((await service.inspect(child)).revoked, true);
  assert.type(plain.claims.ectx, 'string');
  assert.equal((await service.inspect(token, { decrypt: true })).secrets, { s: 'v' });
  assert.equal(await service.inspect(await service.issue({ ten: 'c' }), { decrypt: true }).then((inspected) => Object.keys(inspected)), ['claims', 'revoked']);
  assert.is(await code(service.inspect(`${token}x`)), 'ERR_TOKEN_SIGNATURE');
});

test('inspect by: an ancestor without url or ectx; not the token itself, a child, or a webtask token', async () => {
  const service = testService();
  const root = await service.issue({ ten: 'c', dd: 2 });
  const coded = await service.issue({ ten: 'c', dd: 2, url: 'https://code.example/a.js' });
  const parent = await service.issue({ dd: 1 }, { issuer: root });
  const child = await service.issue({ ectx: { s: 'v' } }, { issuer: parent });
  const codedChild = await service.issue({}, { issuer: coded });
  assert.equal((await service.inspect(child, { by: root, decrypt: true })).secrets, { s: 'v' });
  assert.ok(await service.inspect(child, { by: parent }));
  for (const [target, by] of [[child, child], [parent, child], [codedChild, coded], [root, parent]] as const) {
    assert.is(await code(service.inspect(target, { by })), 'ERR_TOKEN_FORBIDDEN');
  }
  await service.revoke(root);
  assert.is(await code(service.inspect(child, { by: parent })), 'ERR_TOKEN_REVOKED');
});

test('secrets a server cannot decrypt (another encryption key) are ERR_TOKEN_MALFORMED', async () => {
  const { createTokenService, generateKeys } = await import('@ext-compilers/tokens');
  const { signingKey } = generateKeys();
  const a = createTokenService({ signingKey, encryptionKey: generateKeys().encryptionKey });
  const b = createTokenService({ signingKey, encryptionKey: generateKeys().encryptionKey });
  const token = await a.issue({ ten: 'c', ectx: { s: 'v' } });
  const error = await rejects(b.verify(token));
  assert.is(error.code, 'ERR_TOKEN_MALFORMED');
  assert.is(await code(b.inspect(token, { decrypt: true })), 'ERR_TOKEN_MALFORMED');
  assert.ok(await b.inspect(token));
});

test.run();
