import { beforeAll, describe, expect, it } from 'vitest';
import { decideAfterFailure, planDelivery, type PlannedDelivery } from './delivery';
import { EnvelopeBuilder } from './envelope';
import type { SubscriptionRecord, TopicRecord } from './records';
import { generateSigningMaterial, MessageSigner, verifySnsSignature, type SigningMaterial } from './signing';
import type { StoredMessage } from './stored-message';

let material: SigningMaterial;
let envelopes: EnvelopeBuilder;
beforeAll(() => {
  material = generateSigningMaterial({ notBefore: Date.now(), modulusLength: 1024 });
  envelopes = new EnvelopeBuilder({ signer: new MessageSigner(material), baseUrl: 'http://sns', signingCertUrl: 'http://sns/c.pem' });
});

const topic: TopicRecord = { arn: 'arn:aws:sns:us-east-1:000000000000:t', name: 't', accountId: '000000000000', region: 'us-east-1', fifo: false, attributes: {}, tags: {}, createdAt: 0 };
function sub(over: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    arn: `${topic.arn}:11111111-2222-3333-4444-555555555555`,
    id: '11111111-2222-3333-4444-555555555555',
    topicArn: topic.arn,
    protocol: 'sqs',
    endpoint: 'arn:aws:sqs:us-east-1:000000000000:q',
    owner: '000000000000',
    pendingConfirmation: false,
    confirmationWasAuthenticated: true,
    attributes: {},
    fifo: false,
    createdAt: 0,
    ...over,
  };
}
const message: StoredMessage = {
  v: 1,
  kind: 'notification',
  messageId: 'mid',
  topicArn: topic.arn,
  timestamp: '2024-01-01T00:00:00.000Z',
  message: '{"kind":"order","total":120}',
  attributes: { color: { DataType: 'String', StringValue: 'red' } },
};
const delivery = (plan: Awaited<ReturnType<typeof planDelivery>>): PlannedDelivery => {
  if (!('delivery' in plan)) throw new Error(`skipped: ${plan.skip}`);
  return plan.delivery;
};

describe('planning a delivery', () => {
  it('SQS envelope: signed Notification, no SQS attributes', async () => {
    const d = delivery(await planDelivery(sub(), topic, message, envelopes));
    expect(d.kind).toBe('sqs');
    if (d.kind !== 'sqs') return;
    expect(d.attributes).toBeUndefined();
    const env = JSON.parse(d.body);
    expect(env.Message).toBe(message.message);
    expect(env.MessageAttributes.color).toEqual({ Type: 'String', Value: 'red' });
    expect(verifySnsSignature(env, material.certificatePem)).toBe(true);
  });

  it('SQS raw: the body as is, SNS attributes become SQS attributes', async () => {
    const d = delivery(await planDelivery(sub({ attributes: { RawMessageDelivery: 'true' } }), topic, message, envelopes));
    expect(d).toMatchObject({ kind: 'sqs', body: message.message, attributes: message.attributes });
  });

  it('FIFO queue gets group and dedup ids; a standard queue only the group', async () => {
    const m = { ...message, groupId: 'truck-1', dedupId: 'd1', sequenceNumber: '10000000000000000001' };
    const fifoTopic = { ...topic, fifo: true };
    expect(delivery(await planDelivery(sub({ endpoint: 'arn:aws:sqs:us-east-1:000000000000:q.fifo' }), fifoTopic, m, envelopes))).toMatchObject({
      messageGroupId: 'truck-1',
      messageDeduplicationId: 'd1',
    });
    const std = delivery(await planDelivery(sub(), fifoTopic, m, envelopes));
    expect(std).toMatchObject({ messageGroupId: 'truck-1' });
    expect((std as { messageDeduplicationId?: string }).messageDeduplicationId).toBeUndefined();
  });

  it('filter policies in both scopes decide; pending subscriptions get nothing', async () => {
    expect(await planDelivery(sub({ attributes: { FilterPolicy: '{"color":["blue"]}' } }), topic, message, envelopes)).toEqual({ skip: 'filtered' });
    expect('delivery' in (await planDelivery(sub({ attributes: { FilterPolicy: '{"color":["red"]}' } }), topic, message, envelopes))).toBe(true);
    const body = { FilterPolicy: '{"total":[{"numeric":[">",100]}]}', FilterPolicyScope: 'MessageBody' };
    expect('delivery' in (await planDelivery(sub({ attributes: body }), topic, message, envelopes))).toBe(true);
    expect(await planDelivery(sub({ attributes: body }), topic, { ...message, message: '{"total":5}' }, envelopes)).toEqual({ skip: 'filtered' });
    expect(await planDelivery(sub({ pendingConfirmation: true }), topic, message, envelopes)).toEqual({ skip: 'pending' });
  });

  it('HTTP notification headers; raw adds x-amz-sns-rawdelivery; content type from the policy', async () => {
    const http = sub({ protocol: 'http', endpoint: 'http://127.0.0.1:1/h' });
    const d = delivery(await planDelivery(http, topic, message, envelopes));
    expect(d.kind).toBe('http');
    if (d.kind !== 'http') return;
    expect(d.headers).toMatchObject({
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': 'mid',
      'x-amz-sns-topic-arn': topic.arn,
      'x-amz-sns-subscription-arn': http.arn,
    });
    const raw = delivery(await planDelivery({ ...http, attributes: { RawMessageDelivery: 'true', DeliveryPolicy: '{"requestPolicy":{"headerContentType":"application/json"}}' } }, topic, message, envelopes));
    expect(raw).toMatchObject({ body: message.message, headers: { 'x-amz-sns-rawdelivery': 'true', 'content-type': 'application/json' } });
  });

  it('a confirmation becomes a signed SubscriptionConfirmation POST', async () => {
    const http = sub({ protocol: 'http', endpoint: 'http://127.0.0.1:1/h', pendingConfirmation: true });
    const d = delivery(await planDelivery(http, topic, { ...message, kind: 'confirmation', token: 'tok', message: '' }, envelopes));
    if (d.kind !== 'http') throw new Error('expected http');
    expect(d.headers['x-amz-sns-message-type']).toBe('SubscriptionConfirmation');
    expect(d.headers['x-amz-sns-subscription-arn']).toBeUndefined();
    const env = JSON.parse(d.body);
    expect(env.Token).toBe('tok');
    expect(verifySnsSignature(env, material.certificatePem)).toBe(true);
  });
});

describe('after a failed attempt', () => {
  const failure = { ok: false as const, retryable: true, error: 'HTTP 500' };
  it('HTTP default: 3 retries 20 s apart (scaled), then the DLQ or the holding queue', async () => {
    const http = sub({ protocol: 'http', endpoint: 'http://127.0.0.1:1/h' });
    expect(decideAfterFailure(http, topic, failure, 1)).toEqual({ action: 'retry', delayMs: 20_000 });
    expect(decideAfterFailure(http, topic, failure, 3, 10)).toEqual({ action: 'retry', delayMs: 200 });
    expect(decideAfterFailure(http, topic, failure, 4)).toEqual({ action: 'hold', reason: 'HTTP 500 (after 4 attempts)' });
    const dlq = 'arn:aws:sqs:us-east-1:000000000000:dlq';
    expect(decideAfterFailure({ ...http, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq }) } }, topic, failure, 4)).toMatchObject({
      action: 'dead-letter',
      queueArn: dlq,
    });
  });

  it('custom DeliveryPolicy on the subscription', async () => {
    const http = sub({ protocol: 'http', endpoint: 'http://h', attributes: { DeliveryPolicy: '{"healthyRetryPolicy":{"numRetries":1,"minDelayTarget":2,"maxDelayTarget":2}}' } });
    expect(decideAfterFailure(http, topic, failure, 1)).toEqual({ action: 'retry', delayMs: 2000 });
    expect(decideAfterFailure(http, topic, failure, 2).action).toBe('hold');
  });

  it('SQS: immediate retries first; client-side errors skip retries', async () => {
    expect(decideAfterFailure(sub(), topic, failure, 1)).toEqual({ action: 'retry', delayMs: 0 });
    expect(decideAfterFailure(sub(), topic, failure, 4)).toEqual({ action: 'retry', delayMs: 1000 });
    expect(decideAfterFailure(sub(), topic, { ok: false, retryable: false, error: 'queue does not exist' }, 1).action).toBe('hold');
  });
});
