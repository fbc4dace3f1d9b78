/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests assert shapes they just checked */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqsApp, awsCli, cleanupPrefix, sleep, sqsClient, startSqs } from './sqs-clients';

// Unchanged third-party clients against the built app: the npm `sqs-consumer` library (SDK v3, JSON) and
// Debian's AWS CLI 2.9, a real Query-protocol client that also checks body and attribute MD5s.

let app: SqsApp;
beforeAll(async () => {
  app = await startSqs();
});
afterAll(async () => {
  await app?.stop();
  if (app) await cleanupPrefix(app.prefix);
});

describe('sqs-consumer (npm), unchanged', () => {
  it('consumes and deletes every message', async () => {
    const sqs = sqsClient(app.url, 'json');
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'consumer-q' }));
    const bodies = Array.from({ length: 30 }, (_, i) => `job-${i}`);
    for (let i = 0; i < bodies.length; i += 10) {
      await sqs.send(
        new SendMessageBatchCommand({ QueueUrl, Entries: bodies.slice(i, i + 10).map((b, j) => ({ Id: `m${j}`, MessageBody: b })) }),
      );
    }
    const seen: string[] = [];
    const consumer = Consumer.create({
      queueUrl: QueueUrl!,
      sqs,
      batchSize: 10,
      waitTimeSeconds: 1,
      handleMessage: async (m) => {
        seen.push(m.Body!);
        return m;
      },
    });
    const errors: unknown[] = [];
    consumer.on('error', (e) => errors.push(e));
    consumer.on('processing_error', (e) => errors.push(e));
    consumer.start();
    for (let i = 0; i < 100 && seen.length < bodies.length; i++) await sleep(50);
    consumer.stop({ abort: true });
    expect(errors).toEqual([]);
    expect(seen.sort()).toEqual([...bodies].sort());
    await sleep(200);
    const attrs = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });
});

describe('AWS CLI 2.9 (Query protocol)', () => {
  it('creates, sends with attributes, receives, deletes, and gets AWS errors', async () => {
    const created = await awsCli(app.url, ['sqs', 'create-queue', '--queue-name', 'cli-q', '--attributes', 'VisibilityTimeout=5']);
    expect(created.stderr).toBe('');
    const url = JSON.parse(created.stdout).QueueUrl as string;
    expect(url).toBe(`${app.url}/000000000000/cli-q`);
    const sent = await awsCli(app.url, [
      'sqs',
      'send-message',
      '--queue-url',
      url,
      '--message-body',
      'from the cli ✓',
      '--message-attributes',
      JSON.stringify({ n: { DataType: 'Number', StringValue: '12' }, s: { DataType: 'String', StringValue: 'x' } }),
    ]);
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ MD5OfMessageBody: expect.any(String), MD5OfMessageAttributes: expect.any(String) });
    const got = await awsCli(app.url, ['sqs', 'receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All']);
    expect(got.code).toBe(0);
    const msg = JSON.parse(got.stdout).Messages[0];
    expect(msg).toMatchObject({ Body: 'from the cli ✓', Attributes: { ApproximateReceiveCount: '1' } });
    expect(msg.MessageAttributes.n).toEqual({ DataType: 'Number', StringValue: '12' });
    const del = await awsCli(app.url, ['sqs', 'delete-message', '--queue-url', url, '--receipt-handle', msg.ReceiptHandle]);
    expect(del.code).toBe(0);
    const missing = await awsCli(app.url, ['sqs', 'get-queue-url', '--queue-name', 'no-such-queue']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
    const tooMany = await awsCli(app.url, [
      'sqs',
      'send-message-batch',
      '--queue-url',
      url,
      '--entries',
      JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, MessageBody: 'x' }))),
    ]);
    expect(tooMany.stderr).toContain('AWS.SimpleQueueService.TooManyEntriesInBatchRequest');
  });
});

describe('queue URLs and old Query clients', () => {
  it('writes SQS_PUBLIC_URL into queue URLs, and takes the queue from the path when a Query form leaves QueueUrl out', async () => {
    const pub = await startSqs({ SQS_PUBLIC_URL: 'http://sqs.wharf.example:4566/' }, app.prefix);
    try {
      const sqs = sqsClient(pub.url, 'json');
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'public-url' }));
      expect(QueueUrl).toBe('http://sqs.wharf.example:4566/000000000000/public-url');
      // A v1-style Query request posted to the queue's path, without QueueUrl in the form.
      const res = await fetch(`${pub.url}/000000000000/public-url`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=SendMessage&Version=2012-11-05&MessageBody=from-the-path',
      });
      const xml = await res.text();
      expect(res.status).toBe(200);
      expect(xml).toContain('<MD5OfMessageBody>');
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: `${pub.url}/000000000000/public-url`, AttributeNames: ['ApproximateNumberOfMessages'] }),
      );
      expect(attrs.Attributes).toEqual({ ApproximateNumberOfMessages: '1' });
    } finally {
      await pub.stop();
    }
  });
});
