import {
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import type { Clock } from './clock';

/** Registers the enhanced fan-out consumer (or finds it, when another worker did) and waits until it is ACTIVE. */
export async function registerConsumer(client: KinesisClient, streamName: string, consumerName: string, clock: Clock, timeoutMs = 60_000): Promise<string> {
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const StreamARN = summary.StreamDescriptionSummary?.StreamARN as string;
  try {
    await client.send(new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceInUseException') throw err; // already registered
  }
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const d = (await client.send(new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }))).ConsumerDescription;
    if (d?.ConsumerStatus === 'ACTIVE') return d.ConsumerARN as string;
    if (clock.now() > deadline) throw new Error(`consumer ${consumerName} still ${d?.ConsumerStatus}`);
    await clock.sleep(500);
  }
}
