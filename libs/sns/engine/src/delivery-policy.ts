import { invalidParameter } from './errors';

// HTTP(S) delivery policies (the only ones AWS lets users change) and the fixed SQS schedule.

export type BackoffFunction = 'linear' | 'arithmetic' | 'geometric' | 'exponential';

export interface RetryPolicy {
  minDelayTarget: number;
  maxDelayTarget: number;
  numRetries: number;
  numNoDelayRetries: number;
  numMinDelayRetries: number;
  numMaxDelayRetries: number;
  backoffFunction: BackoffFunction;
}

/** AWS's default for HTTP(S): three retries, 20 seconds apart. */
export const DEFAULT_HTTP_RETRY_POLICY: RetryPolicy = {
  minDelayTarget: 20,
  maxDelayTarget: 20,
  numRetries: 3,
  numMaxDelayRetries: 0,
  numNoDelayRetries: 0,
  numMinDelayRetries: 0,
  backoffFunction: 'linear',
};

export const DEFAULT_HTTP_CONTENT_TYPE = 'text/plain; charset=UTF-8';
const MAX_TOTAL_SECONDS = 3600;

export interface HttpDeliveryPolicy {
  retry: RetryPolicy;
  headerContentType: string;
  maxReceivesPerSecond?: number;
}

interface PolicyPieces {
  healthyRetryPolicy?: RetryPolicy;
  throttlePolicy?: { maxReceivesPerSecond?: number };
  requestPolicy?: { headerContentType?: string };
}

export interface TopicDeliveryPolicy {
  http?: {
    defaultHealthyRetryPolicy?: RetryPolicy;
    disableSubscriptionOverrides?: boolean;
    defaultThrottlePolicy?: { maxReceivesPerSecond?: number };
    defaultRequestPolicy?: { headerContentType?: string };
  };
}

const CONTENT_TYPES = new Set([
  'application/json', 'application/xml', 'text/plain', 'text/html', 'text/xml', 'text/css', 'text/csv',
  'application/x-www-form-urlencoded', 'application/octet-stream', 'application/javascript', 'text/javascript',
]);

function bad(reason: string): never {
  throw invalidParameter(`Invalid parameter: DeliveryPolicy: ${reason}`);
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('failed to parse JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('must be a JSON object');
  return value as Record<string, unknown>;
}

function intField(source: Record<string, unknown>, name: string, fallback: number, min: number, max: number, where: string): number {
  const raw = source[name];
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < min || raw > max) bad(`${where}.${name} must be an integer between ${min} and ${max}`);
  return raw as number;
}

export function parseRetryPolicy(value: unknown, where: string): RetryPolicy {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${where} must be a JSON object`);
  const source = value as Record<string, unknown>;
  const numRetries = intField(source, 'numRetries', DEFAULT_HTTP_RETRY_POLICY.numRetries, 0, 100, where);
  const minDelayTarget = intField(source, 'minDelayTarget', DEFAULT_HTTP_RETRY_POLICY.minDelayTarget, 1, MAX_TOTAL_SECONDS, where);
  const maxDelayTarget = intField(source, 'maxDelayTarget', Math.max(minDelayTarget, DEFAULT_HTTP_RETRY_POLICY.maxDelayTarget), 1, MAX_TOTAL_SECONDS, where);
  if (minDelayTarget > maxDelayTarget) bad(`${where}.minDelayTarget must be less than or equal to maxDelayTarget`);
  const policy: RetryPolicy = {
    minDelayTarget,
    maxDelayTarget,
    numRetries,
    numNoDelayRetries: intField(source, 'numNoDelayRetries', 0, 0, 100, where),
    numMinDelayRetries: intField(source, 'numMinDelayRetries', 0, 0, 100, where),
    numMaxDelayRetries: intField(source, 'numMaxDelayRetries', 0, 0, 100, where),
    backoffFunction: (source.backoffFunction ?? 'linear') as BackoffFunction,
  };
  if (!['linear', 'arithmetic', 'geometric', 'exponential'].includes(policy.backoffFunction)) {
    bad(`${where}.backoffFunction must be one of arithmetic, exponential, geometric, linear`);
  }
  if (policy.numNoDelayRetries + policy.numMinDelayRetries + policy.numMaxDelayRetries > numRetries) {
    bad(`${where}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must not exceed numRetries`);
  }
  const total = retrySchedule(policy).reduce((a, b) => a + b, 0);
  if (total > MAX_TOTAL_SECONDS) bad(`${where}: the total retry time must not exceed ${MAX_TOTAL_SECONDS} seconds`);
  return policy;
}

function parseContentType(value: unknown, where: string): { headerContentType?: string } {
  if (typeof value !== 'object' || value === null) bad(`${where} must be a JSON object`);
  const ct = (value as Record<string, unknown>).headerContentType;
  if (ct === undefined) return {};
  if (typeof ct !== 'string' || !CONTENT_TYPES.has(ct.split(';')[0].trim().toLowerCase())) bad(`${where}.headerContentType is not supported`);
  return { headerContentType: ct as string };
}

function parseThrottle(value: unknown, where: string): { maxReceivesPerSecond?: number } {
  if (typeof value !== 'object' || value === null) bad(`${where} must be a JSON object`);
  const source = value as Record<string, unknown>;
  if (source.maxReceivesPerSecond === undefined) return {};
  return { maxReceivesPerSecond: intField(source, 'maxReceivesPerSecond', 1, 1, 1_000_000, where) };
}

/** A subscription's DeliveryPolicy attribute. */
export function parseSubscriptionDeliveryPolicy(text: string): PolicyPieces {
  const source = parseJsonObject(text);
  const out: PolicyPieces = {};
  if (source.healthyRetryPolicy != null) out.healthyRetryPolicy = parseRetryPolicy(source.healthyRetryPolicy, 'healthyRetryPolicy');
  if (source.throttlePolicy != null) out.throttlePolicy = parseThrottle(source.throttlePolicy, 'throttlePolicy');
  if (source.requestPolicy != null) out.requestPolicy = parseContentType(source.requestPolicy, 'requestPolicy');
  return out;
}

/** A topic's DeliveryPolicy attribute (`{"http":{…}}`). */
export function parseTopicDeliveryPolicy(text: string): TopicDeliveryPolicy {
  const source = parseJsonObject(text);
  const http = source.http;
  if (http === undefined || http === null) return {};
  if (typeof http !== 'object' || Array.isArray(http)) bad('http must be a JSON object');
  const h = http as Record<string, unknown>;
  return {
    http: {
      ...(h.defaultHealthyRetryPolicy != null ? { defaultHealthyRetryPolicy: parseRetryPolicy(h.defaultHealthyRetryPolicy, 'http.defaultHealthyRetryPolicy') } : {}),
      ...(h.disableSubscriptionOverrides != null ? { disableSubscriptionOverrides: h.disableSubscriptionOverrides === true } : {}),
      ...(h.defaultThrottlePolicy != null ? { defaultThrottlePolicy: parseThrottle(h.defaultThrottlePolicy, 'http.defaultThrottlePolicy') } : {}),
      ...(h.defaultRequestPolicy != null ? { defaultRequestPolicy: parseContentType(h.defaultRequestPolicy, 'http.defaultRequestPolicy') } : {}),
    },
  };
}

/** Subscription policy over topic policy over AWS's default (unless the topic disables overrides). */
export function effectiveHttpPolicy(topicPolicyText: string | undefined, subscriptionPolicyText: string | undefined): HttpDeliveryPolicy {
  const topic = topicPolicyText ? parseTopicDeliveryPolicy(topicPolicyText).http ?? {} : {};
  const sub = subscriptionPolicyText && !topic.disableSubscriptionOverrides ? parseSubscriptionDeliveryPolicy(subscriptionPolicyText) : {};
  return {
    retry: sub.healthyRetryPolicy ?? topic.defaultHealthyRetryPolicy ?? DEFAULT_HTTP_RETRY_POLICY,
    headerContentType: sub.requestPolicy?.headerContentType ?? topic.defaultRequestPolicy?.headerContentType ?? DEFAULT_HTTP_CONTENT_TYPE,
    maxReceivesPerSecond: sub.throttlePolicy?.maxReceivesPerSecond ?? topic.defaultThrottlePolicy?.maxReceivesPerSecond,
  };
}

/** The topic's EffectiveDeliveryPolicy attribute as AWS prints it. */
export function effectiveTopicDeliveryPolicyJson(topicPolicyText: string | undefined): string {
  const topic = topicPolicyText ? parseTopicDeliveryPolicy(topicPolicyText).http ?? {} : {};
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: topic.defaultHealthyRetryPolicy ?? DEFAULT_HTTP_RETRY_POLICY,
      disableSubscriptionOverrides: topic.disableSubscriptionOverrides ?? false,
      ...(topic.defaultThrottlePolicy ? { defaultThrottlePolicy: topic.defaultThrottlePolicy } : {}),
      defaultRequestPolicy: { headerContentType: topic.defaultRequestPolicy?.headerContentType ?? DEFAULT_HTTP_CONTENT_TYPE },
    },
  });
}

/** A subscription's EffectiveDeliveryPolicy attribute (HTTP/S). */
export function effectiveSubscriptionDeliveryPolicyJson(policy: HttpDeliveryPolicy): string {
  return JSON.stringify({
    healthyRetryPolicy: policy.retry,
    sicklyRetryPolicy: null,
    throttlePolicy: policy.maxReceivesPerSecond ? { maxReceivesPerSecond: policy.maxReceivesPerSecond } : null,
    requestPolicy: { headerContentType: policy.headerContentType },
    guaranteed: false,
  });
}

/** Delay in seconds before each retry: no-delay phase, min-delay phase, backoff phase, max-delay phase. */
export function retrySchedule(policy: RetryPolicy): number[] {
  const { numRetries, numNoDelayRetries, numMinDelayRetries, numMaxDelayRetries, minDelayTarget: min, maxDelayTarget: max } = policy;
  const backoff = Math.max(0, numRetries - numNoDelayRetries - numMinDelayRetries - numMaxDelayRetries);
  const out: number[] = [];
  for (let i = 0; i < numNoDelayRetries; i++) out.push(0);
  for (let i = 0; i < numMinDelayRetries; i++) out.push(min);
  for (let k = 1; k <= backoff; k++) {
    const x = backoff === 1 ? 1 : (k - 1) / (backoff - 1);
    out.push(backoffDelay(policy.backoffFunction, min, max, x));
  }
  for (let i = 0; i < numMaxDelayRetries; i++) out.push(max);
  return out.slice(0, numRetries);
}

/** x runs from 0 (first backoff retry, minDelay) to 1 (last, maxDelay). */
function backoffDelay(fn: BackoffFunction, min: number, max: number, x: number): number {
  switch (fn) {
    case 'linear':
      return min + (max - min) * x;
    case 'arithmetic':
      return min + (max - min) * x * x;
    case 'geometric':
      return min * Math.pow(max / min, x);
    case 'exponential':
      return min + ((max - min) * (Math.pow(2, 10 * x) - 1)) / 1023;
  }
}

/**
 * Delay (seconds) before retry number `retry` (1-based) of an HTTP(S) delivery, or undefined when the
 * policy is exhausted.
 */
export function httpRetryDelaySeconds(policy: RetryPolicy, retry: number): number | undefined {
  const schedule = retrySchedule(policy);
  return retry >= 1 && retry <= schedule.length ? schedule[retry - 1] : undefined;
}

/**
 * AWS's fixed schedule for AWS-managed endpoints (SQS): 3 immediate retries, 2 one second apart, 10 backing
 * off exponentially from 1 to 20 seconds, then 100,000 at 20 seconds — 100,015 attempts over ~23 days.
 */
export const SQS_TOTAL_RETRIES = 3 + 2 + 10 + 100_000;

export function sqsRetryDelaySeconds(retry: number): number | undefined {
  if (retry < 1 || retry > SQS_TOTAL_RETRIES) return undefined;
  if (retry <= 3) return 0;
  if (retry <= 5) return 1;
  if (retry <= 15) return backoffDelay('exponential', 1, 20, (retry - 6) / 9);
  return 20;
}
