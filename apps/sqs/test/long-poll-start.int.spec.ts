import { afterEach, describe, expect, it } from 'vitest';
import { type SqsApp, cleanupPrefix, startSqs } from './sqs-clients';

// The first long polls of a fresh process all wait on a subscriber connection that is still connecting;
// none of them may fail for it (it answered 500 InternalFailure: "Connection in subscriber mode").
describe('SQS long polls right after start-up', () => {
  let app: SqsApp | undefined;
  afterEach(async () => {
    await app?.kill();
    if (app) await cleanupPrefix(app.prefix);
    app = undefined;
  });

  const call = async (url: string, target: string, body: object) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${target}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it.each([1, 2, 3])('20 concurrent long polls on 5 queues of a just-started process all answer 200 (start %i)', async () => {
    app = await startSqs();
    const url = app.url;
    const queues = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => (await call(url, 'CreateQueue', { QueueName: `first-polls-${i}` })).body.QueueUrl as string),
    );
    const polls = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(url, 'ReceiveMessage', { QueueUrl: queues[i % 5], WaitTimeSeconds: 1 + (i % 2) })),
    );
    expect(polls.map((p) => [p.status, p.body.__type])).toEqual(polls.map(() => [200, undefined]));
  });
});
