import { afterAll, beforeAll, describe, it } from 'vitest';
import { killAndJoin, reshard, threeWorkers, type Setup } from './scenarios';
import { startKinesis } from './support';

// Under a minute each on a quiet machine; with other test runs beside it one took three.
const TIMEOUT = 180_000;

/**
 * The consumer in enhanced fan-out mode (SubscribeToShard over HTTP/2): the same scenarios as polling. Wharf
 * ends each subscription after 6 s here (5 min on AWS; a new one may start 5 s after the last), so every scenario also resubscribes from
 * ContinuationSequenceNumber many times.
 */
describe('KinesisConsumer, enhanced fan-out, worker processes', () => {
  let k: Awaited<ReturnType<typeof startKinesis>>;
  const setup = {} as Setup;
  beforeAll(async () => {
    k = await startKinesis({ KINESIS_SUBSCRIPTION_MS: '6000' });
    Object.assign(setup, { client: k.client, url: k.app.url, leasePrefix: k.leasePrefix, mode: 'fan-out', streams: [] });
  });
  afterAll(async () => k?.stop(setup.streams));

  it('100 trucks × 200 positions, three workers: routes in order, nothing lost, never two owners', () => threeWorkers(setup), TIMEOUT);
  it('kill -9 a worker mid-stream, then a fourth joins', () => killAndJoin(setup), TIMEOUT);
  it('SplitShard and MergeShards while consuming', () => reshard(setup), TIMEOUT);
});
