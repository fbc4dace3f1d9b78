// IPv4 / IPv6 parsing and CIDR ranges, used by filter policies (`cidr`) and the HTTP endpoint allow-list.

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface CidrRange {
  version: 4 | 6;
  network: bigint;
  bits: number;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function parseIpv4(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
}

function parseIpv6(input: string): bigint | undefined {
  let text = input;
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  // An embedded IPv4 address (::ffff:1.2.3.4) becomes its two 16-bit groups.
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (part: string): bigint[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => BigInt(parseInt(g, 16)));
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    groups = [...head, ...Array<bigint>(8 - explicit).fill(0n), ...rest];
  } else {
    if (explicit !== 8) return undefined;
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { version: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== undefined) {
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) compares as IPv4.
    if (v6 >> 32n === 0xffffn) return { version: 4, value: v6 & 0xffffffffn };
    return { version: 6, value: v6 };
  }
  return undefined;
}

export type CidrParseResult = { ok: true; range: CidrRange } | { ok: false; reason: 'slash' | 'mask' | 'address' };

/** Parses `a.b.c.d/n` or `x:y::z/n`; host bits may be set (they are ignored, as AWS does). */
export function parseCidr(text: string): CidrParseResult {
  const parts = text.split('/');
  if (parts.length !== 2) return { ok: false, reason: 'slash' };
  if (!/^\d+$/.test(parts[1])) return { ok: false, reason: 'mask' };
  const ip = parseIp(parts[0]);
  if (!ip) return { ok: false, reason: 'address' };
  const bits = Number(parts[1]);
  const width = ip.version === 4 ? 32 : 128;
  if (bits > width) return { ok: false, reason: 'mask' };
  const shift = BigInt(width - bits);
  return { ok: true, range: { version: ip.version, network: (ip.value >> shift) << shift, bits } };
}

export function cidrContains(range: CidrRange, ip: IpAddress): boolean {
  if (range.version !== ip.version) return false;
  const shift = BigInt((range.version === 4 ? 32 : 128) - range.bits);
  return ip.value >> shift === range.network >> shift;
}

/** Parses a comma-separated CIDR list (configuration); throws on a bad entry. */
export function parseCidrList(text: string): CidrRange[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const parsed = parseCidr(entry);
      if (!parsed.ok) throw new Error(`Bad CIDR "${entry}" (${parsed.reason})`);
      return parsed.range;
    });
}

/** Loopback and private ranges: what a deployment lists to deliver to its own machine and private network. */
export const LOCAL_AND_PRIVATE_CIDRS = '127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,::1/128,fc00::/7';

/** The default allow-list of HTTP(S) endpoints: any address, less the special ranges below. */
export const ANY_ADDRESS_CIDRS = '0.0.0.0/0,::/0';

/**
 * Ranges an endpoint reaches only through a configured range lying inside them: a broad "0.0.0.0/0" or
 * "fc00::/7" never opens the cloud metadata service. Link-local and the metadata addresses (169.254.169.254,
 * AWS's fd00:ec2::254) first; then loopback, private, shared (CGNAT), unspecified, multicast, reserved, and
 * the IPv6 forms that embed an IPv4 address (IPv4-compatible, NAT64). IPv4-mapped IPv6 is read as IPv4.
 */
const SPECIAL_RANGES = parseCidrList(
  [
    '169.254.169.254/32,169.254.0.0/16,fe80::/10,fd00:ec2::/32',
    '127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,0.0.0.0/8,224.0.0.0/4,240.0.0.0/4',
    '::/96,::1/128,fc00::/7,ff00::/8,64:ff9b::/96,64:ff9b:1::/48',
  ].join(','),
);

const rangeWithin = (inner: CidrRange, outer: CidrRange) =>
  inner.version === outer.version && inner.bits >= outer.bits && cidrContains(outer, { version: inner.version, value: inner.network });

/**
 * Whether HTTP(S) delivery may connect to this address: it lies in an allowed range, and for every special
 * range holding it, an allowed range holding it lies inside that special range (so it was allowed on purpose).
 */
export function deliveryAllowed(ip: IpAddress, allowed: readonly CidrRange[]): boolean {
  const holding = allowed.filter((r) => cidrContains(r, ip));
  if (holding.length === 0) return false;
  return SPECIAL_RANGES.every((special) => !cidrContains(special, ip) || holding.some((r) => rangeWithin(r, special)));
}
