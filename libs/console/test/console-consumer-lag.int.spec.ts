import {
  CreateStreamCommand,
  DescribeStreamConsumerCommand,
  KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  waitUntilStreamExists,
} from '@aws-sdk/client-kinesis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, startStack, type ConsoleStack } from './stack';

/** The Streams view's consumer lag: a live SubscribeToShard per shard, behind / caught up / not subscribed. */
describe('the console shows enhanced fan-out consumer lag', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  let kinesis: KinesisClient;
  let errors: string[];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({}, ['kinesis']), launchChromium()]);
    kinesis = new KinesisClient({ endpoint: stack.edge.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = collectPageErrors(page);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 120_000);

  it('a consumer subscribed to shard 0 that has read everything is "caught up" there and "not subscribed" on shard 1', async () => {
    const name = `l${stack.id.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
    await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: name });
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`;
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: 'fleet' }));
    for (let i = 0; i < 60; i++) {
      const d = await kinesis.send(new DescribeStreamConsumerCommand({ ConsumerARN: Consumer?.ConsumerARN }));
      if (d.ConsumerDescription?.ConsumerStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const lag = async () => (await (await fetch(`${stack.edge.url}/_wharf/kinesis/streams/${name}/consumer-lag`)).json()) as { consumers: { shards: object[] }[] };
    expect((await lag()).consumers[0].shards).toEqual([
      { shardId: 'shardId-000000000000', subscribed: false },
      { shardId: 'shardId-000000000001', subscribed: false },
    ]);

    await kinesis.send(new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 5 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: new Uint8Array([1]) })) }));
    const sub = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: Consumer?.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
    let received = 0;
    const reading = (async () => {
      for await (const event of sub.EventStream ?? []) received += event.SubscribeToShardEvent?.Records?.length ?? 0;
    })().catch(() => undefined);
    await expect.poll(() => received, { timeout: 15_000 }).toBe(5);
    await expect.poll(async () => (await lag()).consumers[0].shards[0], { timeout: 10_000 }).toMatchObject({ subscribed: true, behindRecords: 0, sentUpToOffset: 5, latestOffset: 5 });

    await page.goto(`${stack.edge.url}/_wharf/console/#/streams`);
    await page.locator(`[data-stream="${name}"]`).click();
    const cell = page.locator('[data-testid="consumers"] [data-testid="consumer-lag"]');
    await cell.locator('[data-shard="shardId-000000000000"]', { hasText: 'caught up' }).waitFor({ timeout: 15_000 });
    await cell.locator('[data-shard="shardId-000000000001"]', { hasText: 'not subscribed' }).waitFor();
    expect(errors).toEqual([]);
    sub.EventStream?.return?.(undefined);
    await Promise.race([reading, new Promise((r) => setTimeout(r, 2000))]);
  }, 180_000);
});
