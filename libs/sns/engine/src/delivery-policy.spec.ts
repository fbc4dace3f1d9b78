import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HTTP_RETRY_POLICY,
  effectiveHttpPolicy,
  effectiveTopicDeliveryPolicyJson,
  httpRetryDelaySeconds,
  parseSubscriptionDeliveryPolicy,
  retrySchedule,
  sqsRetryDelaySeconds,
  SQS_TOTAL_RETRIES,
} from './delivery-policy';

describe('delivery policies', () => {
  it('AWS default for HTTP: three retries, 20 seconds apart, then exhausted', () => {
    expect(retrySchedule(DEFAULT_HTTP_RETRY_POLICY)).toEqual([20, 20, 20]);
    expect(httpRetryDelaySeconds(DEFAULT_HTTP_RETRY_POLICY, 1)).toBe(20);
    expect(httpRetryDelaySeconds(DEFAULT_HTTP_RETRY_POLICY, 4)).toBeUndefined();
  });

  it('phases: no-delay, min-delay, backoff, max-delay', () => {
    const policy = { minDelayTarget: 1, maxDelayTarget: 9, numRetries: 8, numNoDelayRetries: 1, numMinDelayRetries: 2, numMaxDelayRetries: 2, backoffFunction: 'linear' as const };
    expect(retrySchedule(policy)).toEqual([0, 1, 1, 1, 5, 9, 9, 9]);
    expect(retrySchedule({ ...policy, backoffFunction: 'geometric' })).toEqual([0, 1, 1, 1, 3, 9, 9, 9]);
  });

  it('parses a subscription policy and rejects bad ones', () => {
    const p = parseSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 4, backoffFunction: 'exponential' } }));
    expect(p.healthyRetryPolicy?.numRetries).toBe(5);
    expect(() => parseSubscriptionDeliveryPolicy('{')).toThrow(/DeliveryPolicy/);
    expect(() => parseSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { numRetries: 101 } }))).toThrow(/numRetries/);
    expect(() => parseSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 10, maxDelayTarget: 5 } }))).toThrow(/minDelayTarget/);
    expect(() => parseSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { numRetries: 100, minDelayTarget: 60, maxDelayTarget: 60 } }))).toThrow(/3600/);
    expect(() => parseSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { backoffFunction: 'cubic' } }))).toThrow(/backoffFunction/);
  });

  it('subscription overrides topic, unless the topic disables overrides', () => {
    const topic = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 2, minDelayTarget: 5, maxDelayTarget: 5 } } });
    const sub = JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 }, requestPolicy: { headerContentType: 'application/json' } });
    expect(effectiveHttpPolicy(topic, undefined).retry.numRetries).toBe(2);
    expect(effectiveHttpPolicy(topic, sub).retry.numRetries).toBe(1);
    expect(effectiveHttpPolicy(topic, sub).headerContentType).toBe('application/json');
    const locked = JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 2 }, disableSubscriptionOverrides: true } });
    expect(effectiveHttpPolicy(locked, sub).retry.numRetries).toBe(2);
    expect(JSON.parse(effectiveTopicDeliveryPolicyJson(undefined)).http.defaultHealthyRetryPolicy).toEqual(DEFAULT_HTTP_RETRY_POLICY);
  });

  it('SQS: 3 immediate, 2 at 1 s, 10 backing off 1→20 s, then 20 s — 100,015 retries', () => {
    expect([1, 2, 3].map(sqsRetryDelaySeconds)).toEqual([0, 0, 0]);
    expect([4, 5].map(sqsRetryDelaySeconds)).toEqual([1, 1]);
    expect(sqsRetryDelaySeconds(6)).toBe(1);
    expect(sqsRetryDelaySeconds(15)).toBe(20);
    const backoff = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15].map((n) => sqsRetryDelaySeconds(n) ?? -1);
    expect([...backoff].sort((a, b) => a - b)).toEqual(backoff);
    expect(sqsRetryDelaySeconds(16)).toBe(20);
    expect(sqsRetryDelaySeconds(SQS_TOTAL_RETRIES)).toBe(20);
    expect(sqsRetryDelaySeconds(SQS_TOTAL_RETRIES + 1)).toBeUndefined();
  });
});
