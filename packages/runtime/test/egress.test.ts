import { networkInterfaces } from 'node:os';
import { egressDecision, guardedLookup, parseEgressAllow } from '@ext-compilers/runtime';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

// Decisions only: nothing here connects anywhere.
const NONE = parseEgressAllow([]);

const verdict = (address: string, port = 443, allow = NONE, hostname?: string) => {
  const decided = egressDecision(address, port, allow, hostname);
  return decided.allowed ? 'allowed' : decided.reason;
};

const REFUSED: [address: string, label: string][] = [
  ['127.0.0.1', 'a loopback address (127.0.0.0/8)'],
  ['127.255.0.9', 'a loopback address (127.0.0.0/8)'],
  ['10.1.2.3', 'a private address (10.0.0.0/8)'],
  ['172.16.0.1', 'a private address (172.16.0.0/12)'],
  ['172.31.255.254', 'a private address (172.16.0.0/12)'],
  ['192.168.1.1', 'a private address (192.168.0.0/16)'],
  ['169.254.169.254', 'a link-local address (169.254.0.0/16)'],
  ['100.64.0.1', 'a carrier-grade NAT address (100.64.0.0/10)'],
  ['100.100.100.200', 'a carrier-grade NAT address (100.64.0.0/10)'],
  ['0.0.0.0', 'an unspecified ("this network") address (0.0.0.0/8)'],
  ['224.0.0.251', 'a multicast address (224.0.0.0/4)'],
  ['255.255.255.255', 'a reserved address (240.0.0.0/4)'],
  ['::', 'the unspecified address (::/128)'],
  ['::1', 'a loopback address (::1/128)'],
  ['0:0:0:0:0:0:0:1', 'a loopback address (::1/128)'],
  ['fe80::1', 'a link-local address (fe80::/10)'],
  ['fe80::1%eth0', 'a link-local address (fe80::/10)'],
  ['fd00:ec2::254', 'a unique local (private) address (fc00::/7)'],
  ['ff02::1', 'a multicast address (ff00::/8)'],
  ['::ffff:127.0.0.1', 'a loopback address (127.0.0.0/8)'],
  ['::ffff:7f00:1', 'a loopback address (127.0.0.0/8)'],
  ['::ffff:169.254.169.254', 'a link-local address (169.254.0.0/16)'],
  ['::ffff:10.0.0.1', 'a private address (10.0.0.0/8)'],
  ['::127.0.0.1', 'an IPv4-compatible address (::/96)'],
  ['64:ff9b::a9fe:a9fe', 'the NAT64 form of a link-local address (64:ff9b::169.254.0.0/112)'],
  ['2002:7f00:1::1', 'the 6to4 form of a loopback address (2002:7f00:0::/24)'],
];

test('egressDecision refuses every special-purpose range, in every IPv6 form of an IPv4 one', () => {
  for (const [address, label] of REFUSED) {
    assert.is(verdict(address, 443), `egress to ${address} port 443 refused: ${label}, not on the allow-list`, address);
  }
});

test('egressDecision allows public addresses (decided, never connected to)', () => {
  for (const address of ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:2800:220:1:248:1893:25c8:1946', '::ffff:93.184.216.34', '172.32.0.1', '100.128.0.1']) {
    assert.is(verdict(address), 'allowed', address);
  }
});

test('egressDecision refuses a bad port and a name that is not an IP', () => {
  assert.is(verdict('93.184.216.34', 0), 'egress to port 0 refused: not a TCP port');
  assert.is(verdict('93.184.216.34', 65536), 'egress to port 65536 refused: not a TCP port');
  assert.is(verdict('example.com', 443), 'egress to example.com port 443 refused: not an IP address');
});

test("egressDecision refuses this server's own interface addresses, whatever their range", () => {
  const addresses = Object.values(networkInterfaces()).flatMap((infos) => (infos ?? []).map((info) => info.address));
  for (const address of addresses) assert.is.not(verdict(address, 80), 'allowed', address);
  // A public address of this host (none on a machine behind NAT) is refused as the server's own.
  for (const address of addresses.filter((address) => !REFUSED.some(([refused]) => refused === address))) {
    const reason = verdict(address, 80);
    if (!/refused: an? [^(]*\(/.test(reason)) assert.match(reason, 'refused: an address of this server, not on the allow-list');
  }
});

test('the hostname names the target in the reason', () => {
  assert.is(verdict('10.0.0.7', 8080, NONE, 'db.internal'), 'egress to db.internal (10.0.0.7) port 8080 refused: a private address (10.0.0.0/8), not on the allow-list');
});

test('allow entries: a CIDR or a bare IP admits every port; ip:port and [v6]:port admit that port', () => {
  const allow = parseEgressAllow(['10.0.0.0/8', '192.168.1.10', 'fd00::/8', '127.0.0.1:8080', '[::1]:9090', '169.254.169.254:80']);
  assert.is(verdict('10.200.0.1', 1, allow), 'allowed');
  assert.is(verdict('::ffff:10.200.0.1', 5432, allow), 'allowed');
  assert.is(verdict('192.168.1.10', 22, allow), 'allowed');
  assert.match(verdict('192.168.1.11', 22, allow), 'refused: a private address');
  assert.is(verdict('fd00::5', 443, allow), 'allowed');
  assert.is(verdict('127.0.0.1', 8080, allow), 'allowed');
  assert.match(verdict('127.0.0.1', 8081, allow), 'refused: a loopback address');
  assert.match(verdict('127.0.0.2', 8080, allow), 'refused: a loopback address');
  assert.is(verdict('::1', 9090, allow), 'allowed');
  assert.match(verdict('::1', 8080, allow), 'refused');
  assert.is(verdict('169.254.169.254', 80, allow), 'allowed');
  assert.match(verdict('169.254.169.254', 443, allow), 'refused: a link-local address');
  assert.equal(allow.entries, ['10.0.0.0/8', '192.168.1.10', 'fd00::/8', '127.0.0.1:8080', '[::1]:9090', '169.254.169.254:80']);
});

test('allow entries: host:port admits what that name resolves to, on that port, by the name asked for', () => {
  const allow = parseEgressAllow(['db.internal:5432', 'Metrics.Local.:9100']);
  assert.is(verdict('10.0.0.7', 5432, allow, 'db.internal'), 'allowed');
  assert.is(verdict('10.0.0.7', 5432, allow, 'DB.internal.'), 'allowed');
  assert.match(verdict('10.0.0.7', 5433, allow, 'db.internal'), 'refused');
  assert.match(verdict('10.0.0.7', 5432, allow, 'other.internal'), 'refused');
  assert.match(verdict('10.0.0.7', 5432, allow), 'refused');
  assert.is(verdict('127.0.0.1', 9100, allow, 'metrics.local'), 'allowed');
});

test('parseEgressAllow: a bad entry is a TypeError naming it', () => {
  for (const entry of ['', 'example.com', '10.0.0.0/33', '::/129', '10.0.0.0/x', 'host:0', 'host:65536', 'host:port', '[10.0.0.1]:80', '[::1:80', '::1:80:x', 'a b:80', 'http://x:80', '300.1.1.1/8', '-bad-.com:80']) {
    assert.throws(
      () => parseEgressAllow([entry]),
      (error: Error) => error instanceof TypeError && error.message === `Invalid egress allow entry ${JSON.stringify(entry)}: expected a CIDR (10.0.0.0/8), an IP, or host:port`,
      entry,
    );
  }
  assert.throws(() => parseEgressAllow([42 as unknown as string]), TypeError);
});

test('guardedLookup keeps only allowed addresses, and fails with the reason when none is left', async () => {
  const lookup = (allow: ReturnType<typeof parseEgressAllow>, port: number | undefined, all: boolean) =>
    new Promise<unknown>((resolve) => guardedLookup(allow, port)('localhost', { all, family: 4 }, (error, address, family) => resolve(error ? { code: error.code, message: error.message } : { address, family })));
  assert.equal(await lookup(NONE, 80, false), {
    code: 'ECONNREFUSED',
    message: 'egress to localhost (127.0.0.1) port 80 refused: a loopback address (127.0.0.0/8), not on the allow-list',
  });
  assert.equal(await lookup(parseEgressAllow(['127.0.0.1:80']), 80, false), { address: '127.0.0.1', family: 4 });
  assert.equal(await lookup(parseEgressAllow(['localhost:80']), 80, true), { address: [{ address: '127.0.0.1', family: 4 }], family: undefined });
  // Without a port, only port-free entries can admit.
  assert.equal((await lookup(parseEgressAllow(['127.0.0.1:80']), undefined, false)) as object, {
    code: 'ECONNREFUSED',
    message: 'egress to localhost (127.0.0.1) refused: a loopback address (127.0.0.0/8), not on the allow-list',
  });
  assert.equal(await lookup(parseEgressAllow(['127.0.0.0/8']), undefined, false), { address: '127.0.0.1', family: 4 });
});

test.run();
