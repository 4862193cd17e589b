import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * Where a guest may connect beyond the public internet: the parsed `--allow-egress` entries. Built
 * by `parseEgressAllow` only; the fields are what `egressDecision` reads.
 */
export interface EgressAllow {
  /** The entries as given, for messages and logs. */
  readonly entries: readonly string[];
  /** CIDR and bare-IP entries: admitted on every port. */
  readonly networks: BlockList;
  /** `ip:port` and `[v6]:port` entries, by port. */
  readonly endpoints: ReadonlyMap<number, BlockList>;
  /** `host:port` entries: lower-case host names without a trailing dot, with their ports. */
  readonly hosts: ReadonlyMap<string, ReadonlySet<number>>;
}

export type EgressVerdict = { allowed: true } | { allowed: false; reason: string };

interface Range {
  readonly cidr: string;
  readonly label: string;
  readonly list: BlockList;
}

// What a webtask must not reach unless the allow-list says so: everything that is not the public
// internet (IANA's special-purpose registries, RFC 6890). A BlockList matches IPv4-mapped IPv6
// forms (::ffff:a.b.c.d, also written in hex) of an IPv4 rule by itself.
const REFUSED_V4: readonly (readonly [string, number, string])[] = [
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  // Cloud metadata services (169.254.169.254) live here.
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a 6to4 relay address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  // Reserved, with the broadcast address 255.255.255.255.
  ['240.0.0.0', 4, 'a reserved address'],
];

const REFUSED_V6: readonly (readonly [string, number, string])[] = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  // IPv4-compatible addresses (deprecated, RFC 4291): ::127.0.0.1 is not a public host.
  ['::', 96, 'an IPv4-compatible address'],
  ['64:ff9b:1::', 48, 'a local-use NAT64 address'],
  ['100::', 64, 'a discard-only address'],
  // Teredo (2001::/32) hides the IPv4 address it reaches; the block has no public web hosts.
  ['2001::', 23, 'an IETF protocol address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['fc00::', 7, 'a unique local (private) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

const REFUSED: readonly Range[] = [
  ...REFUSED_V4.map(([address, prefix, label]) => range(address, prefix, label)),
  ...REFUSED_V6.map(([address, prefix, label]) => range(address, prefix, label)),
  // An IPv4 range is reachable again through the IPv6 forms that embed an IPv4 address: NAT64's
  // well-known prefix (RFC 6052) and 6to4 (RFC 3056), which a gateway or tunnel turns back into IPv4.
  ...REFUSED_V4.flatMap(([address, prefix, label]) => [
    range(`64:ff9b::${address}`, 96 + prefix, `the NAT64 form of ${label}`),
    range(`2002:${sixToFour(address)}::`, 16 + prefix, `the 6to4 form of ${label}`),
  ]),
];

function range(address: string, prefix: number, label: string): Range {
  const list = new BlockList();
  list.addSubnet(address, prefix, familyOf(address));
  return { cidr: `${address}/${prefix}`, label, list };
}

function sixToFour(address: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = address.split('.').map(Number);
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

/**
 * Parse `--allow-egress` entries: a CIDR (`10.0.0.0/8`, `fd00::/8`) or a bare IP (every port), or
 * `host:port`, `ip:port`, `[v6]:port` (that port only; a host name admits whatever it resolves
 * to, by the name the webtask asked for). A bad entry is a `TypeError` naming it.
 */
export function parseEgressAllow(entries: readonly string[]): EgressAllow {
  const networks = new BlockList();
  const endpoints = new Map<number, BlockList>();
  const hosts = new Map<string, Set<number>>();
  for (const entry of entries) {
    const parsed = parseEntry(typeof entry === 'string' ? entry.trim() : '');
    if (!parsed) throw new TypeError(`Invalid egress allow entry ${JSON.stringify(entry)}: expected a CIDR (10.0.0.0/8), an IP, or host:port`);
    if (parsed.kind === 'network') networks.addSubnet(parsed.address, parsed.prefix, familyOf(parsed.address));
    else if (parsed.kind === 'endpoint') ensure(endpoints, parsed.port, () => new BlockList()).addAddress(parsed.address, familyOf(parsed.address));
    else ensure(hosts, parsed.host, () => new Set<number>()).add(parsed.port);
  }
  return { entries: [...entries], networks, endpoints, hosts };
}

type Entry = { kind: 'network'; address: string; prefix: number } | { kind: 'endpoint'; address: string; port: number } | { kind: 'host'; host: string; port: number };

const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

function parseEntry(entry: string): Entry | undefined {
  if (isIP(entry)) return { kind: 'network', address: entry, prefix: isIP(entry) === 4 ? 32 : 128 };
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const [, address = '', prefix = ''] = cidr;
    const bits = isIP(address) === 4 ? 32 : isIP(address) === 6 ? 128 : -1;
    return Number(prefix) <= bits ? { kind: 'network', address, prefix: Number(prefix) } : undefined;
  }
  const endpoint = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
  if (!endpoint) return undefined;
  const [, v6, host = '', portText = ''] = endpoint;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  if (v6 !== undefined) return isIP(v6) === 6 ? { kind: 'endpoint', address: v6, port } : undefined;
  if (isIP(host)) return { kind: 'endpoint', address: host, port };
  return HOST_NAME.test(host) ? { kind: 'host', host: hostKey(host), port } : undefined;
}

function ensure<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = make();
  map.set(key, made);
  return made;
}

function hostKey(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * May a guest connect to `address` (an IP, as resolved: never a name) on `port`? `hostname` is
 * the name the guest asked for, which `host:port` entries match. The allow-list comes first; then
 * every special-purpose range (loopback, private, link-local, CGNAT, multicast, unspecified, their
 * IPv4-mapped, NAT64 and 6to4 forms) and the server's own interface addresses are refused.
 */
export function egressDecision(address: string, port: number, allow: EgressAllow, hostname?: string): EgressVerdict {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { allowed: false, reason: `egress to port ${port} refused: not a TCP port` };
  return decide(address, port, allow, hostname);
}

/** The decision, with the port unknown to a `lookup` function: then only port-free entries admit. */
function decide(address: string, port: number | undefined, allow: EgressAllow, hostname: string | undefined): EgressVerdict {
  const ip = address.replace(/%.*$/, '');
  const family = isIP(ip);
  const target = `${hostname !== undefined && hostname !== address ? `${hostname} (${address})` : address}${port === undefined ? '' : ` port ${port}`}`;
  if (!family) return { allowed: false, reason: `egress to ${target} refused: not an IP address` };
  if (admitted(ip, port, allow, hostname)) return { allowed: true };
  const refused = REFUSED.find((candidate) => candidate.list.check(ip, familyOf(ip)));
  if (refused) return { allowed: false, reason: `egress to ${target} refused: ${refused.label} (${refused.cidr}), not on the allow-list` };
  if (own().check(ip, familyOf(ip))) return { allowed: false, reason: `egress to ${target} refused: an address of this server, not on the allow-list` };
  return { allowed: true };
}

function admitted(ip: string, port: number | undefined, allow: EgressAllow, hostname: string | undefined): boolean {
  if (allow.networks.check(ip, familyOf(ip))) return true;
  if (port === undefined) return false;
  if (allow.endpoints.get(port)?.check(ip, familyOf(ip))) return true;
  return hostname !== undefined && allow.hosts.get(hostKey(hostname))?.has(port) === true;
}

/** Every address of this host's network interfaces (scope ids removed), as os.networkInterfaces() lists them now. */
export function ownAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((infos) => (infos ?? []).map((info) => info.address.replace(/%.*$/, '')));
}

// Interfaces come and go (DHCP, VPNs): the list is read again after a short while, not per connection.
const OWN_TTL = 5_000;
let ownCache: { at: number; list: BlockList } | undefined;

function own(): BlockList {
  const now = Date.now();
  if (ownCache && now - ownCache.at < OWN_TTL) return ownCache.list;
  const list = new BlockList();
  for (const address of ownAddresses()) if (isIP(address)) list.addAddress(address, familyOf(address));
  ownCache = { at: now, list };
  return list;
}

/**
 * A `lookup` for `http.request` or `net.connect` that resolves as `dns.lookup` does and keeps only
 * the addresses `egressDecision` allows; none left is an error (`code: 'ECONNREFUSED'`) with the
 * reason. The connection then goes to a checked address, with no second lookup. Without `port`,
 * `host:port` and `ip:port` entries cannot admit. Node calls no lookup for an IP-literal host:
 * check those with `egressDecision` before the request.
 */
export function guardedLookup(allow: EgressAllow, port?: number): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '');
      const verdicts = addresses.map((entry) => ({ entry, verdict: decide(entry.address, port, allow, hostname) }));
      const admittedAddresses = verdicts.filter(({ verdict }) => verdict.allowed).map(({ entry }) => entry);
      const first = admittedAddresses[0];
      if (!first) return callback(refusal(verdicts[0]?.verdict, hostname), '');
      if (options.all) callback(null, admittedAddresses);
      else callback(null, first.address, first.family);
    });
  };
}

function refusal(verdict: EgressVerdict | undefined, hostname: string): NodeJS.ErrnoException {
  const reason = verdict && !verdict.allowed ? verdict.reason : `egress to ${hostname} refused: no address`;
  return Object.assign(new Error(reason), { code: 'ECONNREFUSED' });
}
