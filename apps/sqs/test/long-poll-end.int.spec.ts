import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOLS, type SqsApp, cleanupPrefix, sleep, sqsClient, startSqs } from './sqs-clients';

// A long poll ends with its caller: a poll whose client hung up must not take the next message (it would
// sit invisible for the visibility timeout with nobody to process it), and SIGTERM must not wait for
// open polls to run out their WaitTimeSeconds.
describe.each(PROTOCOLS)('SQS over %s: long polls end with their caller', (protocol) => {
  let app: SqsApp;
  beforeAll(async () => {
    app = await startSqs();
  });
  afterAll(async () => {
    await app?.kill();
    if (app) await cleanupPrefix(app.prefix);
  });

  it('a poll whose client hung up does not swallow the next message', async () => {
    const sqs = sqsClient(app.url, protocol);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `hangup-${protocol}`, Attributes: { VisibilityTimeout: '30' } }));
    const abandon = new AbortController();
    const abandoned = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }), { abortSignal: abandon.signal }).catch((e: Error) => e);
    await sleep(300);
    abandon.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    await sleep(200); // the server sees the hang-up
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'for the living' }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(['for the living']);
  });
});

describe('SQS shutdown with a long poll open', () => {
  it('answers the open poll and exits well before its 20 s wait would end', async () => {
    const app = await startSqs();
    try {
      const sqs = sqsClient(app.url, 'json');
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'shutdown-poll' }));
      const exited = new Promise<number>((resolve) => app.child.once('exit', () => resolve(Date.now())));
      const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      await sleep(300);
      const stoppedAt = Date.now();
      app.child.kill('SIGTERM');
      const answer = await polling;
      expect(answer.Messages ?? []).toEqual([]);
      expect((await exited) - stoppedAt).toBeLessThan(10_000);
    } finally {
      await app.kill();
      await cleanupPrefix(app.prefix);
    }
  });
});
