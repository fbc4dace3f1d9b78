import { beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeBuilder, subscribeUrl, unsubscribeUrl } from './envelope';
import { generateSigningMaterial, MessageSigner, verifySnsSignature, type SigningMaterial } from './signing';
import type { StoredMessage } from './stored-message';

let material: SigningMaterial;
let builder: EnvelopeBuilder;
beforeAll(() => {
  material = generateSigningMaterial({ notBefore: Date.now(), modulusLength: 1024 });
  builder = new EnvelopeBuilder({ signer: new MessageSigner(material), baseUrl: 'http://127.0.0.1:9911', signingCertUrl: 'http://127.0.0.1:9911/cert.pem' });
});

const topicArn = 'arn:aws:sns:us-east-1:000000000000:orders';
const subArn = `${topicArn}:6f0c5c1e-2f0a-4e36-9a7e-0b7f7d6b2a11`;
const message: StoredMessage = {
  v: 1,
  kind: 'notification',
  messageId: '2d6a1f7e-1111-2222-3333-444455556666',
  topicArn,
  timestamp: '2024-03-29T05:12:16.901Z',
  message: 'hello "world"\nline',
  subject: 'Greeting',
  attributes: { store: { DataType: 'String', StringValue: 'example_corp' }, price: { DataType: 'Number', StringValue: '210.75' }, blob: { DataType: 'Binary', BinaryValue: 'AQI=' } },
};

describe('envelopes', () => {
  it('Notification: AWS field order and layout, signed, with attributes', async () => {
    const text = await builder.notification(message, 'sqs', subArn, '1');
    expect(text.startsWith('{\n  "Type" : "Notification",\n  "MessageId" : ')).toBe(true);
    expect(text).toContain('  "MessageAttributes" : {\n    "store" : {"Type":"String","Value":"example_corp"},');
    const env = JSON.parse(text);
    expect(Object.keys(env)).toEqual([
      'Type', 'MessageId', 'TopicArn', 'Subject', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL', 'UnsubscribeURL', 'MessageAttributes',
    ]);
    expect(env.Message).toBe(message.message);
    expect(env.MessageAttributes.price).toEqual({ Type: 'Number', Value: '210.75' });
    expect(env.MessageAttributes.blob).toEqual({ Type: 'Binary', Value: 'AQI=' });
    expect(env.UnsubscribeURL).toBe(unsubscribeUrl('http://127.0.0.1:9911', subArn));
    expect(verifySnsSignature(env, material.certificatePem)).toBe(true);
  });

  it('signature version 2, no subject, FIFO sequence number', async () => {
    const env = JSON.parse(await builder.notification({ ...message, subject: undefined, attributes: undefined, sequenceNumber: '10000000000000000001' }, 'http', subArn, '2'));
    expect(env.SignatureVersion).toBe('2');
    expect(env.Subject).toBeUndefined();
    expect(env.MessageAttributes).toBeUndefined();
    expect(Object.keys(env)[2]).toBe('SequenceNumber');
    expect(verifySnsSignature(env, material.certificatePem)).toBe(true);
  });

  it('MessageStructure=json: the protocol\'s text, signed over that text', async () => {
    const m = { ...message, messages: { http: 'for http' } };
    const http = JSON.parse(await builder.notification(m, 'http', subArn, '1'));
    const sqs = JSON.parse(await builder.notification(m, 'sqs', subArn, '1'));
    expect(http.Message).toBe('for http');
    expect(sqs.Message).toBe(message.message);
    expect(verifySnsSignature(http, material.certificatePem)).toBe(true);
    expect(verifySnsSignature(sqs, material.certificatePem)).toBe(true);
  });

  it('SubscriptionConfirmation carries Token and SubscribeURL, and verifies', async () => {
    const env = JSON.parse(
      await builder.confirmation('SubscriptionConfirmation', { messageId: 'c1', topicArn, subscriptionArn: subArn, token: 'tok', timestamp: message.timestamp }, '1'),
    );
    expect(env.Type).toBe('SubscriptionConfirmation');
    expect(env.Token).toBe('tok');
    expect(env.SubscribeURL).toBe(subscribeUrl('http://127.0.0.1:9911', topicArn, 'tok'));
    expect(env.SubscribeURL).toContain('Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3Aorders&Token=tok');
    expect(env.Message).toContain(`subscribe to the topic ${topicArn}`);
    expect(verifySnsSignature(env, material.certificatePem)).toBe(true);
  });
});
