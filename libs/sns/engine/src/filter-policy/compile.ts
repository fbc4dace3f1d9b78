import { parseCidr } from '../ip';
import {
  FILTER_POLICY_LIMITS,
  FilterPolicyError,
  type Alternative,
  type CompiledFilterPolicy,
  type Condition,
  type FilterPolicyScope,
  type Matcher,
  type NumericBound,
  type Scalar,
} from './types';

// The SNS filter-policy grammar: exact values, prefix, suffix, anything-but (value, list, prefix, suffix,
// equals-ignore-case), equals-ignore-case, numeric (=, <, <=, >, >=, ranges), exists, cidr and $or,
// with AWS's limits (5 keys, 150 combinations, 256 KB) and AWS's error texts.

const OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'equals-ignore-case', 'numeric', 'exists', 'cidr', 'wildcard']);

const fail = (text: string): never => {
  throw new FilterPolicyError(`FilterPolicy: ${text}`);
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `"$or"` is an operator only with an array of at least two objects whose keys are no operator names. */
function isOr(key: string, value: unknown): value is Record<string, unknown>[] {
  return (
    key === '$or' &&
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((branch) => isPlainObject(branch) && Object.keys(branch).every((k) => !OPERATORS.has(k)))
  );
}

export function compileFilterPolicy(text: string, scope: FilterPolicyScope = 'MessageAttributes'): CompiledFilterPolicy {
  if (Buffer.byteLength(text, 'utf8') > FILTER_POLICY_LIMITS.maxBytes) fail('Filter policy is too long');
  let policy: unknown;
  try {
    policy = JSON.parse(text);
  } catch {
    fail('failed to parse JSON.');
  }
  if (!isPlainObject(policy)) fail('Filter policy must be a JSON object');
  const alternatives = expand(policy as Record<string, unknown>, [], scope);
  for (const alternative of alternatives) {
    const keys = new Set(alternative.conditions.map((c) => c.topKey));
    if (keys.size > FILTER_POLICY_LIMITS.maxKeys) fail(`Filter policy can not have more than ${FILTER_POLICY_LIMITS.maxKeys} keys`);
  }
  const complexity = alternatives.reduce(
    (sum, alt) => sum + alt.conditions.reduce((product, c) => product * c.matchers.length, 1),
    0,
  );
  if (complexity > FILTER_POLICY_LIMITS.maxCombinations) fail('Filter policy is too complex');
  return { scope, alternatives, complexity };
}

/** Every combination of one alternative from `left` and one from `right`. */
function cross(left: Alternative[], right: Alternative[]): Alternative[] {
  const out: Alternative[] = [];
  for (const a of left) {
    for (const b of right) {
      out.push({ conditions: [...a.conditions, ...b.conditions] });
      if (out.length > FILTER_POLICY_LIMITS.maxCombinations) fail('Filter policy is too complex');
    }
  }
  return out;
}

function expand(node: Record<string, unknown>, path: string[], scope: FilterPolicyScope): Alternative[] {
  let alternatives: Alternative[] = [{ conditions: [] }];
  for (const [key, value] of Object.entries(node)) {
    if (isOr(key, value)) {
      alternatives = cross(alternatives, value.flatMap((branch) => expand(branch, path, scope)));
    } else if (isPlainObject(value)) {
      if (scope === 'MessageAttributes') {
        throw new FilterPolicyError('Filter policy scope MessageAttributes does not support nested filter policy');
      }
      alternatives = cross(alternatives, expand(value, [...path, key], scope));
    } else if (Array.isArray(value)) {
      if (value.length === 0) fail('Empty arrays are not allowed');
      const keyPath = [...path, key];
      const condition: Condition = { key: keyPath.join('.'), topKey: keyPath[0], matchers: value.map(compileMatcher) };
      alternatives = alternatives.map((alt) => ({ conditions: [...alt.conditions, condition] }));
    } else {
      fail(`"${key}" must be an object or an array`);
    }
  }
  return alternatives;
}

function compileMatcher(value: unknown): Matcher {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return { kind: 'equals', value };
  if (typeof value === 'number') return { kind: 'equals', value };
  if (!isPlainObject(value)) return fail('Match value must be String, number, true, false, or null');
  const entries = Object.entries(value);
  if (entries.length !== 1) fail('Only one key allowed in match expression');
  const [operator, operand] = entries[0];
  switch (operator) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof operand !== 'string') fail(`${operator} match pattern must be a string`);
      return operator === 'equals-ignore-case'
        ? { kind: 'equals-ignore-case', value: (operand as string).toLowerCase() }
        : { kind: operator, value: operand as string };
    case 'anything-but':
      return compileAnythingBut(operand);
    case 'exists':
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.');
      return { kind: 'exists', value: operand as boolean };
    case 'numeric':
      return compileNumeric(operand);
    case 'cidr':
      return compileCidr(operand);
    default:
      return fail(`Unrecognized match type ${operator}`);
  }
}

function compileAnythingBut(operand: unknown): Matcher {
  if (typeof operand === 'string' || typeof operand === 'number') return { kind: 'anything-but', values: [operand] };
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail('Empty arrays are not allowed');
    for (const v of operand) {
      if (typeof v !== 'string' && typeof v !== 'number') fail('Inside anything but list, start|null|boolean is not supported.');
    }
    return { kind: 'anything-but', values: operand as Scalar[] };
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    if (entries.length !== 1) fail('Only one key allowed in match expression');
    const [inner, value] = entries[0];
    if (inner === 'prefix' || inner === 'suffix') {
      if (typeof value !== 'string') fail(`${inner} match pattern must be a string`);
      if (value === '') fail(`Null ${inner} not allowed`);
      return { kind: inner === 'prefix' ? 'anything-but-prefix' : 'anything-but-suffix', value: value as string };
    }
    if (inner === 'equals-ignore-case') {
      const list = Array.isArray(value) ? value : [value];
      if (list.length === 0) fail('Empty arrays are not allowed');
      if (list.some((v) => typeof v !== 'string')) fail('equals-ignore-case match pattern must be a string');
      return { kind: 'anything-but-ignore-case', values: (list as string[]).map((v) => v.toLowerCase()) };
    }
    return fail(`Unsupported anything-but pattern: ${inner}`);
  }
  return fail('Value of anything-but must be an array or single string/number value.');
}

function compileNumeric(operand: unknown): Matcher {
  if (!Array.isArray(operand) || operand.length === 0) return fail('Invalid member in numeric match: ]');
  const terms = [...operand];
  const operator = terms.shift();
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${JSON.stringify(operator)}`);
  if (!['<', '<=', '=', '>', '>='].includes(operator as string)) fail(`Unrecognized numeric range operator: ${operator as string}`);
  const first = terms.shift();
  if (typeof first !== 'number' || !Number.isFinite(first)) fail(`Value of ${operator === '=' ? 'equals' : (operator as string)} must be numeric`);
  const value = first as number;
  if (terms.length === 0) {
    switch (operator) {
      case '=':
        return { kind: 'numeric', equals: value };
      case '>':
      case '>=':
        return { kind: 'numeric', lower: { value, inclusive: operator === '>=' } };
      default:
        return { kind: 'numeric', upper: { value, inclusive: operator === '<=' } };
    }
  }
  if (operator !== '>' && operator !== '>=') fail('Too many elements in numeric expression');
  const second = terms.shift();
  if (typeof second !== 'string') fail(`Bad value in numeric range: ${JSON.stringify(second)}`);
  if (second !== '<' && second !== '<=') fail(`Bad numeric range operator: ${second as string}`);
  const top = terms.shift();
  if (typeof top !== 'number' || !Number.isFinite(top)) fail(`Value of ${second as string} must be numeric`);
  if ((top as number) <= value) fail('Bottom must be less than top');
  if (terms.length > 0) fail('Too many terms in numeric range expression');
  const lower: NumericBound = { value, inclusive: operator === '>=' };
  const upper: NumericBound = { value: top as number, inclusive: second === '<=' };
  return { kind: 'numeric', lower, upper };
}

function compileCidr(operand: unknown): Matcher {
  if (typeof operand !== 'string') return fail('prefix match pattern must be a string');
  const parsed = parseCidr(operand);
  if (!parsed.ok) {
    if (parsed.reason === 'slash') fail("Malformed CIDR, one '/' required");
    if (parsed.reason === 'mask') fail('Malformed CIDR, mask bits must be an integer');
    fail(`Nonstandard IP address: ${operand.split('/')[0]}`);
  }
  return { kind: 'cidr', range: (parsed as { ok: true; range: import('../ip').CidrRange }).range };
}
