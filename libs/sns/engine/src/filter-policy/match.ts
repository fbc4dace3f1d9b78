import { cidrContains, parseIp } from '../ip';
import type { CompiledFilterPolicy, Condition, Matcher, Scalar } from './types';

/** A message attribute as Publish receives it (SDK MessageAttributeValue shape). */
export interface FilterableAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface FilterInput {
  attributes?: Record<string, FilterableAttribute>;
  /** The message body (for MessageBody scope). */
  body?: string;
}

/** Values at each key: attribute values, or leaves of the JSON body flattened by dotted path. */
type Lookup = (key: string) => Scalar[];

export function matchesFilterPolicy(policy: CompiledFilterPolicy, input: FilterInput): boolean {
  if (policy.scope === 'MessageBody') {
    const values = flattenBody(input.body);
    if (!values) return false; // the body must be a JSON object
    const lookup: Lookup = (key) => values.get(key) ?? [];
    return policy.alternatives.some((alt) => alt.conditions.every((c) => matchCondition(c, lookup, true)));
  }
  const attributes = input.attributes ?? {};
  const hasAttributes = Object.keys(attributes).length > 0;
  const cache = new Map<string, Scalar[]>();
  const lookup: Lookup = (key) => {
    let values = cache.get(key);
    if (!values) cache.set(key, (values = attributeValues(attributes[key])));
    return values;
  };
  return policy.alternatives.some((alt) => alt.conditions.every((c) => matchCondition(c, lookup, hasAttributes)));
}

/** Only String, String.Array and Number attributes take part; Binary ones are ignored. */
function attributeValues(attribute: FilterableAttribute | undefined): Scalar[] {
  if (!attribute || attribute.StringValue === undefined) return [];
  const type = attribute.DataType ?? 'String';
  if (type === 'String.Array') {
    try {
      const parsed: unknown = JSON.parse(attribute.StringValue);
      if (!Array.isArray(parsed)) return [];
      return parsed.filter((v): v is Scalar => v === null || ['string', 'number', 'boolean'].includes(typeof v));
    } catch {
      return [];
    }
  }
  if (type === 'Number' || type.startsWith('Number.')) {
    const n = Number(attribute.StringValue);
    return [Number.isFinite(n) ? n : attribute.StringValue];
  }
  if (type === 'String' || type.startsWith('String.')) return [attribute.StringValue];
  return [];
}

/** `{"a":{"b":[1,{"c":2}]}}` → a.b → [1], a.b.c → [2]. Arrays at any depth contribute each element. */
export function flattenBody(body: string | undefined): Map<string, Scalar[]> | undefined {
  if (body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out = new Map<string, Scalar[]>();
  const visit = (value: unknown, path: string): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, path);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(v, path ? `${path}.${k}` : k);
    } else {
      let list = out.get(path);
      if (!list) out.set(path, (list = []));
      list.push(value as Scalar);
    }
  };
  visit(parsed, '');
  return out;
}

function matchCondition(condition: Condition, lookup: Lookup, hasAnyField: boolean): boolean {
  const values = lookup(condition.key);
  for (const matcher of condition.matchers) {
    if (matcher.kind === 'exists') {
      if (matcher.value ? values.some((v) => v !== null) : values.length === 0 && hasAnyField) return true;
      continue;
    }
    for (const value of values) if (matchValue(matcher, value)) return true;
  }
  return false;
}

/** Five digits after the decimal point, as AWS compares numbers. */
function sameNumber(a: number, b: number): boolean {
  return a === b || Math.round(a * 1e5) === Math.round(b * 1e5);
}

function sameScalar(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  return a === b;
}

function matchValue(matcher: Exclude<Matcher, { kind: 'exists' }>, value: Scalar): boolean {
  switch (matcher.kind) {
    case 'equals':
      return sameScalar(matcher.value, value);
    case 'prefix':
      return typeof value === 'string' && value.startsWith(matcher.value);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(matcher.value);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === matcher.value;
    case 'anything-but':
      return !matcher.values.some((excluded) => sameScalar(excluded, value));
    case 'anything-but-prefix':
      return typeof value === 'string' && !value.startsWith(matcher.value);
    case 'anything-but-suffix':
      return typeof value === 'string' && !value.endsWith(matcher.value);
    case 'anything-but-ignore-case':
      return typeof value === 'string' && !matcher.values.includes(value.toLowerCase());
    case 'numeric': {
      if (typeof value !== 'number') return false;
      if (matcher.equals !== undefined) return sameNumber(value, matcher.equals);
      const { lower, upper } = matcher;
      if (lower && !(lower.inclusive ? value >= lower.value || sameNumber(value, lower.value) : value > lower.value && !sameNumber(value, lower.value))) return false;
      if (upper && !(upper.inclusive ? value <= upper.value || sameNumber(value, upper.value) : value < upper.value && !sameNumber(value, upper.value))) return false;
      return true;
    }
    case 'cidr': {
      if (typeof value !== 'string') return false;
      const ip = parseIp(value);
      return ip !== undefined && cidrContains(matcher.range, ip);
    }
  }
}
