import { describe, expect, it } from 'vitest';
import { compileFilterPolicy, FilterPolicyError, matchesFilterPolicy, type FilterPolicyScope } from './index';

type Attrs = Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
const s = (v: string) => ({ DataType: 'String', StringValue: v });
const n = (v: number | string) => ({ DataType: 'Number', StringValue: String(v) });
const arr = (v: unknown[]) => ({ DataType: 'String.Array', StringValue: JSON.stringify(v) });

function attrMatch(policy: object, attributes: Attrs): boolean {
  return matchesFilterPolicy(compileFilterPolicy(JSON.stringify(policy), 'MessageAttributes'), { attributes });
}
function bodyMatch(policy: object, body: unknown): boolean {
  return matchesFilterPolicy(compileFilterPolicy(JSON.stringify(policy), 'MessageBody'), {
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
function reason(policy: string | object, scope: FilterPolicyScope = 'MessageAttributes'): string {
  try {
    compileFilterPolicy(typeof policy === 'string' ? policy : JSON.stringify(policy), scope);
  } catch (e) {
    if (e instanceof FilterPolicyError) return e.reason;
    throw e;
  }
  return 'valid';
}

describe('filter policy matching — attribute scope', () => {
  it('exact strings are case-sensitive and OR within a key, AND across keys', () => {
    const p = { store: ['example_corp', 'other'], event: ['order_placed'] };
    expect(attrMatch(p, { store: s('example_corp'), event: s('order_placed') })).toBe(true);
    expect(attrMatch(p, { store: s('other'), event: s('order_placed') })).toBe(true);
    expect(attrMatch(p, { store: s('Example_Corp'), event: s('order_placed') })).toBe(false);
    expect(attrMatch(p, { store: s('example_corp') })).toBe(false);
    expect(attrMatch(p, {})).toBe(false);
  });

  it('ignores attributes the policy does not name', () => {
    expect(attrMatch({ a: ['x'] }, { a: s('x'), b: s('y') })).toBe(true);
  });

  it('exact numbers match Number attributes numerically (five decimals), not strings', () => {
    expect(attrMatch({ price: [301.5] }, { price: n('301.50') })).toBe(true);
    expect(attrMatch({ price: [301.5] }, { price: n('301.500001') })).toBe(true);
    expect(attrMatch({ price: [301.5] }, { price: n('301.51') })).toBe(false);
    expect(attrMatch({ price: [301.5] }, { price: s('301.5') })).toBe(false);
    expect(attrMatch({ price: ['301.5'] }, { price: n(301.5) })).toBe(false);
  });

  it('String.Array matches when any element matches; elements may be numbers, booleans, null', () => {
    const p = { interests: ['rugby', 'football'] };
    expect(attrMatch(p, { interests: arr(['soccer', 'rugby']) })).toBe(true);
    expect(attrMatch(p, { interests: arr(['soccer', 'tennis']) })).toBe(false);
    expect(attrMatch({ v: [5] }, { v: arr([1, 5]) })).toBe(true);
    expect(attrMatch({ v: [true] }, { v: arr([false, true]) })).toBe(true);
    expect(attrMatch({ v: [null] }, { v: arr([null]) })).toBe(true);
    expect(attrMatch({ v: ['x'] }, { v: { DataType: 'String.Array', StringValue: 'not json' } })).toBe(false);
  });

  it('prefix and suffix', () => {
    expect(attrMatch({ k: [{ prefix: 'ord' }] }, { k: s('order_placed') })).toBe(true);
    expect(attrMatch({ k: [{ prefix: 'ord' }] }, { k: s('Order') })).toBe(false);
    expect(attrMatch({ k: [{ suffix: '.png' }] }, { k: s('cat.png') })).toBe(true);
    expect(attrMatch({ k: [{ suffix: '.png' }] }, { k: s('cat.jpg') })).toBe(false);
    expect(attrMatch({ k: [{ prefix: '1' }] }, { k: n(12) })).toBe(false);
  });

  it('equals-ignore-case', () => {
    expect(attrMatch({ k: [{ 'equals-ignore-case': 'RuGbY' }] }, { k: s('rugby') })).toBe(true);
    expect(attrMatch({ k: [{ 'equals-ignore-case': 'rugby' }] }, { k: s('RUGBY') })).toBe(true);
    expect(attrMatch({ k: [{ 'equals-ignore-case': 'rugby' }] }, { k: s('rugbyx') })).toBe(false);
  });

  it('anything-but: single value, list, numbers, prefix, suffix, equals-ignore-case; the key must be present', () => {
    expect(attrMatch({ k: [{ 'anything-but': 'rugby' }] }, { k: s('tennis') })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': 'rugby' }] }, { k: s('rugby') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': ['rugby', 'tennis'] }] }, { k: s('golf') })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': ['rugby', 'tennis'] }] }, { k: s('tennis') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': [100, 200] }] }, { k: n(150) })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': [100, 200] }] }, { k: n('200.0') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': { prefix: 'order-' } }] }, { k: s('refund-1') })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': { prefix: 'order-' } }] }, { k: s('order-1') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': { suffix: '.tmp' } }] }, { k: s('a.txt') })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': { suffix: '.tmp' } }] }, { k: s('a.tmp') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }] }, { k: s('B') })).toBe(false);
    expect(attrMatch({ k: [{ 'anything-but': { 'equals-ignore-case': ['A', 'b'] } }] }, { k: s('c') })).toBe(true);
    expect(attrMatch({ k: [{ 'anything-but': 'rugby' }] }, { other: s('x') })).toBe(false);
  });

  it('numeric: =, <, <=, >, >= and ranges', () => {
    const m = (cond: unknown[], v: number | string) => attrMatch({ p: [{ numeric: cond }] }, { p: n(v) });
    expect(m(['=', 301.5], 301.5)).toBe(true);
    expect(m(['=', 301.5], 301.6)).toBe(false);
    expect(m(['<', 0], -1)).toBe(true);
    expect(m(['<', 0], 0)).toBe(false);
    expect(m(['<=', 0], 0)).toBe(true);
    expect(m(['>', 0], 0)).toBe(false);
    expect(m(['>', 0], 0.00001)).toBe(true);
    expect(m(['>=', 0], 0)).toBe(true);
    expect(m(['>', 0, '<=', 150], 150)).toBe(true);
    expect(m(['>', 0, '<=', 150], 0)).toBe(false);
    expect(m(['>', 0, '<=', 150], 150.1)).toBe(false);
    expect(m(['>=', 100, '<', 200], 100)).toBe(true);
    expect(m(['>=', 100, '<', 200], 200)).toBe(false);
    expect(m(['>=', -1e9, '<=', 1e9], 1e9)).toBe(true);
    expect(attrMatch({ p: [{ numeric: ['>', 0] }] }, { p: s('5') })).toBe(false);
  });

  it('exists true/false; exists:false needs at least one attribute; Binary attributes are ignored', () => {
    expect(attrMatch({ store: [{ exists: true }] }, { store: s('fans') })).toBe(true);
    expect(attrMatch({ store: [{ exists: true }] }, { other: s('x') })).toBe(false);
    expect(attrMatch({ store: [{ exists: false }] }, { other: s('x') })).toBe(true);
    expect(attrMatch({ store: [{ exists: false }] }, { store: s('fans') })).toBe(false);
    expect(attrMatch({ store: [{ exists: false }] }, {})).toBe(false);
    expect(attrMatch({ bin: [{ exists: true }] }, { bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) } })).toBe(false);
  });

  it('cidr over IPv4 and IPv6', () => {
    const p = { ip: [{ cidr: '10.0.0.0/24' }] };
    expect(attrMatch(p, { ip: s('10.0.0.255') })).toBe(true);
    expect(attrMatch(p, { ip: s('10.0.1.0') })).toBe(false);
    expect(attrMatch(p, { ip: s('not-an-ip') })).toBe(false);
    expect(attrMatch({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: s('2001:db8:1::7') })).toBe(true);
    expect(attrMatch({ ip: [{ cidr: '2001:db8::/32' }] }, { ip: s('2001:db9::1') })).toBe(false);
  });

  it('mixes operators inside one key (OR) and across keys (AND)', () => {
    const p = { k: ['exact', { prefix: 'pre' }, { numeric: ['>', 10] }], e: [{ exists: true }] };
    expect(attrMatch(p, { k: s('exact'), e: s('1') })).toBe(true);
    expect(attrMatch(p, { k: s('prefix'), e: s('1') })).toBe(true);
    expect(attrMatch(p, { k: n(11), e: s('1') })).toBe(true);
    expect(attrMatch(p, { k: n(9), e: s('1') })).toBe(false);
    expect(attrMatch(p, { k: s('exact') })).toBe(false);
  });

  it('$or: source && (metricName || namespace), nested $or', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] };
    expect(attrMatch(p, { source: s('aws.cloudwatch'), metricName: s('CPUUtilization') })).toBe(true);
    expect(attrMatch(p, { source: s('aws.cloudwatch'), namespace: s('AWS/EC2') })).toBe(true);
    expect(attrMatch(p, { source: s('aws.cloudwatch'), namespace: s('AWS/S3') })).toBe(false);
    expect(attrMatch(p, { metricName: s('CPUUtilization') })).toBe(false);
    const nested = { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: ['3'] }] }] };
    expect(attrMatch(nested, { c: s('3') })).toBe(true);
    expect(attrMatch(nested, { d: s('4') })).toBe(false);
  });

  it('"$or" with fewer than two objects is an ordinary key', () => {
    expect(attrMatch({ $or: ['x'] }, { $or: s('x') })).toBe(true);
  });

  it('an empty policy matches everything', () => {
    expect(attrMatch({}, {})).toBe(true);
  });
});

describe('filter policy matching — MessageBody scope', () => {
  it('matches top-level properties with every operator', () => {
    expect(bodyMatch({ a: ['x'] }, { a: 'x' })).toBe(true);
    expect(bodyMatch({ a: ['x'] }, { a: 'y' })).toBe(false);
    expect(bodyMatch({ a: [{ prefix: 'x' }] }, { a: 'xyz' })).toBe(true);
    expect(bodyMatch({ a: [{ suffix: 'z' }] }, { a: 'xyz' })).toBe(true);
    expect(bodyMatch({ a: [{ 'equals-ignore-case': 'XYZ' }] }, { a: 'xyz' })).toBe(true);
    expect(bodyMatch({ a: [{ 'anything-but': ['q'] }] }, { a: 'xyz' })).toBe(true);
    expect(bodyMatch({ a: [{ 'anything-but': { prefix: 'x' } }] }, { a: 'xyz' })).toBe(false);
    expect(bodyMatch({ a: [{ numeric: ['>=', 5, '<', 6] }] }, { a: 5.5 })).toBe(true);
    expect(bodyMatch({ a: [{ numeric: ['>=', 5, '<', 6] }] }, { a: '5.5' })).toBe(false);
    expect(bodyMatch({ a: [{ cidr: '192.168.0.0/16' }] }, { a: '192.168.3.4' })).toBe(true);
    expect(bodyMatch({ a: [true] }, { a: true })).toBe(true);
    expect(bodyMatch({ a: [null] }, { a: null })).toBe(true);
    expect(bodyMatch({ a: [null] }, { a: 'null' })).toBe(false);
  });

  it('nests: objects descend, arrays match any element, dotted keys match both shapes', () => {
    const p = { order: { item: { sku: ['A1'] }, total: [{ numeric: ['>', 100] }] } };
    expect(bodyMatch(p, { order: { item: { sku: 'A1' }, total: 120 } })).toBe(true);
    expect(bodyMatch(p, { order: { item: { sku: 'B2' }, total: 120 } })).toBe(false);
    expect(bodyMatch(p, { order: { item: [{ sku: 'B2' }, { sku: 'A1' }], total: 120 } })).toBe(true);
    expect(bodyMatch({ tags: ['red'] }, { tags: ['blue', 'red'] })).toBe(true);
    expect(bodyMatch({ 'a.b': ['1'] }, { a: { b: '1' } })).toBe(true);
  });

  it('exists on leaves; exists:false when absent; null is not "exists: true"', () => {
    expect(bodyMatch({ a: { b: [{ exists: true }] } }, { a: { b: 1 } })).toBe(true);
    expect(bodyMatch({ a: { b: [{ exists: true }] } }, { a: { c: 1 } })).toBe(false);
    expect(bodyMatch({ a: { b: [{ exists: false }] } }, { a: { c: 1 } })).toBe(true);
    expect(bodyMatch({ a: [{ exists: true }] }, { a: null })).toBe(false);
  });

  it('$or inside a nested object', () => {
    const p = { detail: { $or: [{ state: ['on'] }, { level: [{ numeric: ['>', 3] }] }] } };
    expect(bodyMatch(p, { detail: { state: 'on' } })).toBe(true);
    expect(bodyMatch(p, { detail: { level: 4 } })).toBe(true);
    expect(bodyMatch(p, { detail: { state: 'off', level: 1 } })).toBe(false);
  });

  it('a body that is not a JSON object never matches', () => {
    expect(bodyMatch({ a: ['x'] }, 'plain text')).toBe(false);
    expect(bodyMatch({ a: [{ exists: false }] }, '[1,2]')).toBe(false);
  });
});

describe('filter policy validation (AWS error texts)', () => {
  it('accepts every operator', () => {
    const policy = {
      a: ['x', 1, true, null, { prefix: 'p' }, { suffix: 's' }, { 'equals-ignore-case': 'E' }],
      b: [{ 'anything-but': ['x', 1] }, { 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }],
      c: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3] }],
      d: [{ exists: true }],
      e: [{ cidr: '10.0.0.0/8' }],
    };
    expect(reason(policy)).toBe('valid');
  });

  it.each([
    ['{not json', 'FilterPolicy: failed to parse JSON.'],
    ['[1]', 'FilterPolicy: Filter policy must be a JSON object'],
    [{ a: 'x' }, 'FilterPolicy: "a" must be an object or an array'],
    [{ a: [] }, 'FilterPolicy: Empty arrays are not allowed'],
    [{ a: [[1]] }, 'FilterPolicy: Match value must be String, number, true, false, or null'],
    [{ a: [{ prefix: 'x', suffix: 'y' }] }, 'FilterPolicy: Only one key allowed in match expression'],
    [{ a: [{ prefix: 1 }] }, 'FilterPolicy: prefix match pattern must be a string'],
    [{ a: [{ suffix: null }] }, 'FilterPolicy: suffix match pattern must be a string'],
    [{ a: [{ 'equals-ignore-case': 5 }] }, 'FilterPolicy: equals-ignore-case match pattern must be a string'],
    [{ a: [{ wildcard: 'x*' }] }, 'FilterPolicy: Unrecognized match type wildcard'],
    [{ a: [{ foo: 'x' }] }, 'FilterPolicy: Unrecognized match type foo'],
    [{ a: [{ exists: 'yes' }] }, 'FilterPolicy: exists match pattern must be either true or false.'],
    [{ a: [{ 'anything-but': { wildcard: 'x' } }] }, 'FilterPolicy: Unsupported anything-but pattern: wildcard'],
    [{ a: [{ 'anything-but': [true] }] }, 'FilterPolicy: Inside anything but list, start|null|boolean is not supported.'],
    [{ a: [{ numeric: [] }] }, 'FilterPolicy: Invalid member in numeric match: ]'],
    [{ a: [{ numeric: ['!', 1] }] }, 'FilterPolicy: Unrecognized numeric range operator: !'],
    [{ a: [{ numeric: ['=', 'x'] }] }, 'FilterPolicy: Value of equals must be numeric'],
    [{ a: [{ numeric: ['<', 1, '>', 0] }] }, 'FilterPolicy: Too many elements in numeric expression'],
    [{ a: [{ numeric: ['>', 1, '=', 2] }] }, 'FilterPolicy: Bad numeric range operator: ='],
    [{ a: [{ numeric: ['>', 5, '<', 1] }] }, 'FilterPolicy: Bottom must be less than top'],
    [{ a: [{ numeric: ['>', 1, '<', 5, '<', 6] }] }, 'FilterPolicy: Too many terms in numeric range expression'],
    [{ a: [{ cidr: '10.0.0.0' }] }, "FilterPolicy: Malformed CIDR, one '/' required"],
    [{ a: [{ cidr: '10.0.0.0/x' }] }, 'FilterPolicy: Malformed CIDR, mask bits must be an integer'],
    [{ a: [{ cidr: '10.0.0.300/8' }] }, 'FilterPolicy: Nonstandard IP address: 10.0.0.300'],
  ])('%j → %s', (policy, expected) => {
    expect(reason(policy)).toBe(expected);
  });

  it('limits: at most 5 keys', () => {
    expect(reason({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'] })).toBe('valid');
    expect(reason({ a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] })).toBe('FilterPolicy: Filter policy can not have more than 5 keys');
  });

  it('limits: body scope counts top-level keys only; attribute scope rejects nesting', () => {
    const nested = { a: { x: ['1'], y: ['1'], z: ['1'] }, b: ['1'], c: ['1'], d: ['1'], e: ['1'] };
    expect(reason(nested, 'MessageBody')).toBe('valid');
    expect(reason(nested, 'MessageAttributes')).toBe('Filter policy scope MessageAttributes does not support nested filter policy');
  });

  it('limits: 150 combinations (product of array sizes, summed over $or branches)', () => {
    const values = (k: number) => Array.from({ length: k }, (_, i) => `v${i}`);
    expect(reason({ a: values(10), b: values(15) })).toBe('valid');
    expect(reason({ a: values(10), b: values(16) })).toBe('FilterPolicy: Filter policy is too complex');
    expect(reason({ a: values(151) })).toBe('FilterPolicy: Filter policy is too complex');
    // (4 × 2) + (4 × 1 × 2) + (4 × 1 × 3) = 28, AWS's documented $or example.
    const p = {
      source: values(4),
      $or: [{ metricName: values(2) }, { metricType: ['t'], $or: [{ metricId: [1, 2] }, { spaces: [1, 2, 3] }] }],
    };
    expect(compileFilterPolicy(JSON.stringify(p)).complexity).toBe(28);
    expect(reason({ a: values(37), $or: [{ b: values(2) }, { c: values(2) }] })).toBe('valid'); // 37·2 + 37·2 = 148
    expect(reason({ a: values(38), $or: [{ b: values(2) }, { c: values(2) }] })).toBe('FilterPolicy: Filter policy is too complex'); // 152
  });

  it('limits: 256 KB', () => {
    const big = JSON.stringify({ a: ['x'.repeat(256 * 1024)] });
    expect(reason(big)).toBe('FilterPolicy: Filter policy is too long');
  });
});
