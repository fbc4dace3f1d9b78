import { describe, expect, it } from 'vitest';
import { ANY_ADDRESS_CIDRS, cidrContains, deliveryAllowed, LOCAL_AND_PRIVATE_CIDRS, parseCidr, parseCidrList, parseIp } from './ip';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an IP: ${text}`);
  return parsed;
};

describe('ip', () => {
  it('parses IPv4 and rejects nonstandard forms', () => {
    expect(parseIp('10.1.2.3')).toEqual({ version: 4, value: 0x0a010203n });
    for (const bad of ['10.1.2', '10.1.2.256', '010.1.2.3', '1.2.3.4.5', 'a.b.c.d', '']) expect(parseIp(bad)).toBeUndefined();
  });

  it('parses IPv6 with ::, embedded IPv4 and brackets; IPv4-mapped compares as IPv4', () => {
    expect(parseIp('::1')).toEqual({ version: 6, value: 1n });
    expect(parseIp('2001:db8::ff00:42:8329')?.value).toBe(0x20010db8000000000000ff0000428329n);
    expect(parseIp('[fe80::1]')?.version).toBe(6);
    expect(parseIp('::ffff:192.168.1.1')).toEqual({ version: 4, value: 0xc0a80101n });
    expect(parseIp('64:ff9b::192.0.2.33')?.value).toBe(0x0064ff9b0000000000000000c0000221n);
    for (const bad of [':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9']) expect(parseIp(bad)).toBeUndefined();
  });

  it('CIDR containment', () => {
    const r = parseCidr('192.168.0.0/16');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(cidrContains(r.range, ip('192.168.255.1'))).toBe(true);
    expect(cidrContains(r.range, ip('192.169.0.1'))).toBe(false);
    expect(cidrContains(r.range, ip('::1'))).toBe(false);
    const all = parseCidr('0.0.0.0/0');
    expect(all.ok && cidrContains(all.range, ip('8.8.8.8'))).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toEqual({ ok: false, reason: 'mask' });
  });

  it('the default allow-list holds loopback and private ranges only', () => {
    const ranges = parseCidrList(LOCAL_AND_PRIVATE_CIDRS);
    const allowed = (address: string) => ranges.some((r) => cidrContains(r, ip(address)));
    for (const ip of ['127.0.0.1', '10.2.3.4', '172.20.0.1', '192.168.1.1', '::1', 'fd00::1']) expect(allowed(ip)).toBe(true);
    for (const ip of ['8.8.8.8', '172.32.0.1', '2001:4860::8888']) expect(allowed(ip)).toBe(false);
    expect(() => parseCidrList('10.0.0.0/8,nonsense')).toThrow(/Bad CIDR/);
  });

  describe('deliveryAllowed: which addresses HTTP(S) delivery may connect to', () => {
    const allows = (cidrs: string, address: string) => deliveryAllowed(ip(address), parseCidrList(cidrs));
    const METADATA = ['169.254.169.254', '::ffff:169.254.169.254', '[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe', 'fd00:ec2::254', 'fe80::1', '169.254.1.1'];

    it('by default (any address): public addresses only — no metadata, link-local, loopback, private, IPv4-mapped or NAT64 forms of them', () => {
      for (const a of ['8.8.8.8', '2001:4860::8888', '::ffff:8.8.8.8']) expect([a, allows(ANY_ADDRESS_CIDRS, a)]).toEqual([a, true]);
      const refused = [...METADATA, '127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.1', '172.16.0.1', '192.168.1.1', 'fd12::1', '100.64.0.1', '0.0.0.0', '::', '::127.0.0.1', '64:ff9b::a9fe:a9fe', '224.0.0.1', 'ff02::1'];
      for (const a of refused) expect([a, allows(ANY_ADDRESS_CIDRS, a)]).toEqual([a, false]);
    });

    it('loopback and private ranges when configured; metadata and link-local still refused unless listed themselves', () => {
      const local = `${ANY_ADDRESS_CIDRS},${LOCAL_AND_PRIVATE_CIDRS}`;
      for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.2.3', '172.20.0.5', 'fd12::1', '8.8.8.8']) expect([a, allows(local, a)]).toEqual([a, true]);
      for (const a of METADATA) expect([a, allows(local, a)]).toEqual([a, false]);
      expect(allows('fc00::/7', 'fd00:ec2::254')).toBe(false);
      expect(allows('169.254.0.0/16', '169.254.169.254')).toBe(false);
      expect(allows('169.254.0.0/16', '169.254.1.1')).toBe(true);
      expect(allows('169.254.169.254/32', '::ffff:169.254.169.254')).toBe(true);
      expect(allows('fd00:ec2::254/128', 'fd00:ec2::254')).toBe(true);
    });

    it('an allow-list is exclusive: what it does not hold is refused, public or not', () => {
      expect(allows('10.0.0.0/8', '127.0.0.1')).toBe(false);
      expect(allows('10.0.0.0/8', '8.8.8.8')).toBe(false);
      expect(allows('10.0.0.0/8', '10.9.9.9')).toBe(true);
    });
  });
});
