import type { CidrRange } from '../ip';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';
export const FILTER_POLICY_SCOPES: readonly FilterPolicyScope[] = ['MessageAttributes', 'MessageBody'];

/** A scalar a policy compares: JSON strings, numbers, booleans and null. */
export type Scalar = string | number | boolean | null;

export interface NumericBound {
  value: number;
  inclusive: boolean;
}

/** One entry of a policy array, compiled. */
export type Matcher =
  | { kind: 'equals'; value: Scalar }
  | { kind: 'prefix'; value: string }
  | { kind: 'suffix'; value: string }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'anything-but'; values: Scalar[] }
  | { kind: 'anything-but-prefix'; value: string }
  | { kind: 'anything-but-suffix'; value: string }
  | { kind: 'anything-but-ignore-case'; values: string[] }
  | { kind: 'numeric'; equals?: number; lower?: NumericBound; upper?: NumericBound }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; range: CidrRange };

/** `key` (dotted path for nested body policies) must match one of `matchers`. */
export interface Condition {
  key: string;
  /** Top-level key: what the five-key limit counts. */
  topKey: string;
  matchers: Matcher[];
}

/** A conjunction of conditions; a policy matches when any of its alternatives does (`$or` expands into them). */
export interface Alternative {
  conditions: Condition[];
}

export interface CompiledFilterPolicy {
  scope: FilterPolicyScope;
  alternatives: Alternative[];
  /** Sum over alternatives of the product of each array's size (AWS's "total combination"). */
  complexity: number;
}

/** A policy AWS would refuse; `reason` is the text after "Invalid parameter: " (e.g. "FilterPolicy: …"). */
export class FilterPolicyError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FilterPolicyError';
  }
}

export const FILTER_POLICY_LIMITS = {
  maxKeys: 5,
  maxCombinations: 150,
  maxBytes: 256 * 1024,
} as const;
