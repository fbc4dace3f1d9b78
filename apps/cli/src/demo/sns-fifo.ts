import { CreateTopicCommand, DeleteTopicCommand, PublishBatchCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../aws';
import { ensureFifoQueue, pollFifo } from './fifo-poller';
import type { DemoContext, DemoRun } from './run';
import { produceFifo } from './sqs-fifo';

export const TRUCKS_TOPIC = 'wharf-demo-trucks.fifo';
export const subscriberQueue = (s: string): string => `wharf-demo-trucks-${s}.fifo`;

/**
 * Trucks on SNS FIFO (DESIGN scenario 4): a FIFO topic fans every position out to `--subscribers` SQS FIFO
 * queues (raw delivery); each queue has `--consumers` pollers. Every subscriber must get every position
 * once, each truck in order.
 */
export async function snsFifoDemo(ctx: DemoContext): Promise<DemoRun> {
  const { o } = ctx;
  const sns = new SNSClient(clientConfig(o.target));
  const sqs = new SQSClient(clientConfig(o.target));
  try {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: TRUCKS_TOPIC, Attributes: { FifoTopic: 'true' } }));
    const subscribers = Array.from({ length: o.subscribers }, (_, i) => `s${i + 1}`);
    const queues = new Map<string, string>();
    for (const s of subscribers) {
      const url = await ensureFifoQueue(sqs, subscriberQueue(s));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
      // Subscribe is idempotent: the same queue gets the same subscription back
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn, Attributes: { RawMessageDelivery: 'true' } }));
      queues.set(s, url);
    }
    const notes = [`topic ${TRUCKS_TOPIC} → ${subscribers.map(subscriberQueue).join(', ')} (raw delivery), ${o.consumers} consumers per queue`];
    const tracker = ctx.tracker(subscribers);
    const consumers = subscribers.flatMap((s) =>
      Array.from({ length: o.consumers }, (_, c) =>
        pollFifo({ client: sqs, queueUrl: queues.get(s) as string, consumer: `c${c}`, subscriber: s, runId: o.runId, tracker, onWarning: (l) => ctx.progress.log(l) }),
      ),
    );
    const produced = await produceFifo(ctx, async (entries) => {
      const res = await sns.send(
        new PublishBatchCommand({
          TopicArn,
          PublishBatchRequestEntries: entries.map((e) => ({ Id: e.Id, Message: e.MessageBody, MessageGroupId: e.MessageGroupId, MessageDeduplicationId: e.MessageDeduplicationId })),
        }),
      );
      return (res.Failed ?? []).map((f) => ({ id: f.Id as string, error: `${f.Code}: ${f.Message}`, senderFault: f.SenderFault === true }));
    });
    tracker.producerDone();
    await Promise.all(consumers);
    if (o.cleanup) {
      await sns.send(new DeleteTopicCommand({ TopicArn }));
      for (const url of queues.values()) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
      notes.push('topic and subscriber queues deleted (--cleanup)');
    }
    return { rules: { oneCarrierPerTruck: false, exclusiveGroups: true, duplicatesFail: true }, carrierLabel: 'consumer', subscribers, tracker, produced, notes };
  } finally {
    sns.destroy();
    sqs.destroy();
  }
}
