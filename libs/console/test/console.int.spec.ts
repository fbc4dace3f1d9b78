import { CreateStreamCommand, KinesisClient, ListShardsCommand, PutRecordsCommand, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { CreateBrokerCommand, DeleteBrokerCommand, MqClient } from '@aws-sdk/client-mq';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, runWharf, screenshot, startStack, type ConsoleStack } from './stack';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('the console in Chromium against a real Wharf', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let sqs: SQSClient;
  let sns: SNSClient;
  let kinesis: KinesisClient;
  let mq: MqClient;
  let p: string; // this run's name prefix

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launchChromium()]);
    const common = { endpoint: stack.edge.url, region: 'us-east-1', credentials };
    [sqs, sns, kinesis, mq] = [new SQSClient(common), new SNSClient(common), new KinesisClient(common), new MqClient(common)];
    p = `c${stack.id.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    errors = collectPageErrors(page);
  }, 420_000); // five processes and a browser starting on a loaded machine

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 120_000);

  const open = async (view: string) => {
    await page.goto(`${stack.edge.url}/_wharf/console/#/${view}`);
    await page.locator(`nav a[data-view="${view}"].current`).waitFor();
  };

  it('Queues: counts, DLQ links both ways, send → peek (nothing changed) → ReceiveMessage gets it with ApproximateReceiveCount 1', async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${p}-orders-dlq` }))).QueueUrl ?? '';
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
    const src = (await sqs.send(new CreateQueueCommand({ QueueName: `${p}-orders`, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl ?? '';
    await sqs.send(new CreateQueueCommand({ QueueName: `${p}-trucks.fifo`, Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: 'already there' }));

    await open('queues');
    await page.fill('input[placeholder="name prefix"]', p);
    await page.locator(`[data-queue="${p}-orders"]`).click();
    await expect.poll(() => page.locator('[data-testid="q-visible"]').textContent(), { timeout: 15_000 }).toBe('1');
    await page.locator('[data-testid="dlq-links"] a', { hasText: `${p}-orders-dlq` }).waitFor();

    await page.fill('[data-testid="send-body"]', 'hello from the console');
    await page.click('[data-testid="send"]');
    await page.locator('.ok', { hasText: 'sent ' }).waitFor();
    await page.click('[data-testid="peek"]');
    const peekTable = page.locator('[data-testid="peek-table"]');
    await peekTable.locator('td', { hasText: 'hello from the console' }).waitFor();
    expect(await peekTable.locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'queues');

    // Peeking changed nothing: both messages are still visible and never received.
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'], WaitTimeSeconds: 1 }));
    const mine = got.Messages?.find((m) => m.Body === 'hello from the console');
    expect(mine?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(got.Messages?.length).toBe(2);

    // The DLQ's page links back to its source.
    await page.locator('[data-testid="dlq-links"] a', { hasText: `${p}-orders-dlq` }).click();
    await page.locator('[data-testid="dlq-links"] a', { hasText: `${p}-orders` }).first().waitFor();
  });

  it('Queues: FIFO send with a group, the attributes editor, purge only after typing the name', async () => {
    const url = `${stack.edge.url}/000000000000/${p}-trucks.fifo`;
    await open('queues');
    await page.fill('input[placeholder="name prefix"]', `${p}-trucks`);
    await page.locator(`[data-queue="${p}-trucks.fifo"]`).click();
    await page.fill('[data-testid="send-body"]', 'fifo from the console');
    await page.fill('[data-testid="send-group"]', 'truck-042');
    await page.click('[data-testid="send"]');
    await page.locator('.ok', { hasText: 'sequence' }).waitFor();
    await page.click('[data-testid="peek"]');
    await page.locator('[data-testid="peek-table"] td', { hasText: 'truck-042' }).waitFor();

    await page.fill('input[data-attr="VisibilityTimeout"]', '45');
    await page.click('[data-testid="save-attributes"]');
    await page.locator('.ok', { hasText: 'saved VisibilityTimeout' }).waitFor();
    expect((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout'] }))).Attributes?.VisibilityTimeout).toBe('45');

    expect(await page.locator('[data-testid="purge"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="purge-confirm"]', `${p}-trucks`); // not the whole name
    expect(await page.locator('[data-testid="purge"]').isDisabled()).toBe(true);
    await page.fill('[data-testid="purge-confirm"]', `${p}-trucks.fifo`);
    await page.click('[data-testid="purge"]');
    await page.locator('.ok', { hasText: 'purged' }).waitFor();
    await expect.poll(async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages, { timeout: 10_000 }).toBe('0');
  });

  it('Queues: redrive moves dead letters back to their source queue, with progress', async () => {
    const src = `${stack.edge.url}/000000000000/${p}-orders`;
    const dlq = `${stack.edge.url}/000000000000/${p}-orders-dlq`;
    // Both messages were received once (the last test): the next receive moves them to the DLQ (maxReceiveCount 1).
    await new Promise((r) => setTimeout(r, 31_000)); // their 30 s visibility timeout
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    await expect.poll(async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages, { timeout: 10_000 }).toBe('2');

    await open('queues');
    await page.fill('input[placeholder="name prefix"]', p);
    await page.locator(`[data-queue="${p}-orders-dlq"]`).click();
    await page.click('[data-testid="redrive"]');
    await page.locator('[data-testid="redrive-progress"]', { hasText: 'COMPLETED' }).waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes?.ApproximateNumberOfMessages, { timeout: 10_000 }).toBe('2');
    await screenshot(page, 'queues-redrive');
  }, 90_000);

  it('Topics: subscriptions with status and filter policy, publish from the page, delivered counts', async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: `${p}-events` }))).TopicArn ?? '';
    const q = (await sqs.send(new CreateQueueCommand({ QueueName: `${p}-events-copy` }))).QueueUrl ?? '';
    const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? '';
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: qArn, Attributes: { FilterPolicy: JSON.stringify({ kind: ['truck'] }) } }));
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'http', Endpoint: 'http://203.0.113.7/hook' }));

    await open('topics');
    await page.locator(`[data-topic="${p}-events"]`).click();
    const subs = page.locator('[data-testid="subscriptions"]');
    await subs.locator('td', { hasText: 'pending confirmation' }).waitFor();
    await subs.locator('td', { hasText: '{"kind":["truck"]}' }).waitFor();
    await page.fill('[data-testid="publish-message"]', 'a truck event');
    await page.fill('[data-testid="publish-attributes"]', 'kind=truck');
    await page.click('[data-testid="publish"]');
    await page.locator('.ok', { hasText: 'published' }).waitFor();
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q, WaitTimeSeconds: 10 }));
    expect(got.Messages?.[0]?.Body).toContain('a truck event');
    const sqsRow = subs.locator('tr', { hasText: qArn });
    await expect.poll(() => sqsRow.locator('td').nth(4).textContent(), { timeout: 15_000 }).toBe('1');
    await screenshot(page, 'topics');
  });

  it('Streams: hash-key bar, a split from the page shows two children in the lineage', async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: `${p}-positions`, ShardCount: 2 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: `${p}-positions` });
    await open('streams');
    await page.locator(`[data-stream="${p}-positions"]`).click();
    await expect.poll(() => page.locator('[data-testid="keybar"] rect').count(), { timeout: 15_000 }).toBe(2);
    // per-shard incoming rates: 40 records to shard 0's half of the key space (hash key 0), none to shard 1's
    const data = new TextEncoder().encode('x'.repeat(100));
    await kinesis.send(new PutRecordsCommand({ StreamName: `${p}-positions`, Records: Array.from({ length: 40 }, () => ({ PartitionKey: 'k', ExplicitHashKey: '0', Data: data })) }));
    const rates = async () => page.locator('[data-testid="shard-table"] tbody tr').evaluateAll((rows) => rows.map((r) => [r.children[2]?.textContent, r.children[3]?.textContent]));
    // 40 records of 100 bytes (plus their keys) over the 5 s window
    const seen = async () => (await rates()).map(([records, bytes]) => `${records} ${Number(bytes) >= 800 ? '≥800 B/s' : `${bytes} B/s`}`);
    await expect.poll(seen, { timeout: 15_000 }).toEqual(['8.0 ≥800 B/s', '0.0 0 B/s']);
    await page.selectOption('[data-testid="split-shard"]', 'shardId-000000000000');
    await page.click('[data-testid="split"]');
    await page.locator('.ok', { hasText: 'split shardId-000000000000' }).waitFor();
    const parent = page.locator('[data-testid="lineage"] li[data-shard="shardId-000000000000"]');
    await expect.poll(() => parent.locator(':scope > ul > li').count(), { timeout: 60_000 }).toBe(2);
    await expect.poll(() => page.locator('[data-testid="keybar"] rect').count(), { timeout: 15_000 }).toBe(3);
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: `${p}-positions` }))).Shards ?? [];
    expect(shards.filter((s) => s.ParentShardId === 'shardId-000000000000').length).toBe(2);
    await screenshot(page, 'streams');
  }, 120_000);

  it('MQ brokers: state, instances with the active one, endpoints', async () => {
    const { BrokerId } = await mq.send(
      new CreateBrokerCommand({
        BrokerName: `${p}-rabbit`,
        EngineType: 'RABBITMQ',
        EngineVersion: '3.13',
        HostInstanceType: 'mq.t3.micro',
        DeploymentMode: 'SINGLE_INSTANCE',
        PubliclyAccessible: false,
        AutoMinorVersionUpgrade: true,
        Users: [{ Username: 'admin', Password: 'admin-password-1' }],
      }),
    );
    try {
      await open('brokers');
      const broker = page.locator(`[data-broker="${p}-rabbit"]`);
      await broker.locator('.state', { hasText: 'RUNNING' }).waitFor({ timeout: 90_000 });
      await broker.locator('[data-testid="instance-role"]', { hasText: 'active' }).waitFor({ timeout: 30_000 });
      expect(await broker.locator('td.mono').first().textContent()).toMatch(/amqp/);
      await screenshot(page, 'brokers');
    } finally {
      await mq.send(new DeleteBrokerCommand({ BrokerId }));
    }
  }, 150_000);

  it('Trucks: 100 trucks move on the map during `wharf demo trucks --via kinesis`, coloured by shard, with no red tick', async () => {
    // The stream the demo uses (apps/cli/README.md), made first so the view reads it from before the first
    // position; the CLI reuses an existing stream of its name.
    await kinesis.send(new CreateStreamCommand({ StreamName: 'wharf-demo-trucks', ShardCount: 5 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: 'wharf-demo-trucks' });
    await open('trucks');
    await page.locator('[data-testid="map"]').waitFor();
    await new Promise((r) => setTimeout(r, 4_000)); // the view takes its LATEST iterators
    const positions = 30;
    const demo = runWharf(['demo', 'trucks', '--via', 'kinesis', '--positions', String(positions), '--interval', '400'], stack.edge.url);
    const dots = () => page.locator('[data-testid="map"] g[data-truck] circle').evaluateAll((cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`).join(' '));
    await expect.poll(() => page.locator('[data-testid="ticks"] .tick').count(), { timeout: 60_000 }).toBe(100);
    const before = await dots();
    await expect.poll(dots, { timeout: 30_000 }).not.toBe(before); // they move while the demo runs
    await screenshot(page, 'trucks');
    const run = await demo;
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    await expect.poll(() => page.locator('[data-testid="truck-summary"]').textContent(), { timeout: 30_000 }).toContain(`${100 * positions} positions`);
    expect(await page.locator('[data-testid="ticks"] .tick.bad').count()).toBe(0);
    expect(await page.locator('[data-testid="violations"]').textContent()).toBe('0');
    expect(await page.locator('.legend > div').count()).toBe(5); // one colour per shard
  }, 300_000);

  it('Trucks: during `wharf demo trucks --via sqs-fifo` each truck is coloured by the consumer that got it, with no red tick', async () => {
    // The consumers' observations (apps/cli/README.md): stream wharf-demo-observations, made first so the
    // view reads it from before the first one; the CLI reuses it.
    await kinesis.send(new CreateStreamCommand({ StreamName: 'wharf-demo-observations', ShardCount: 5 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 60 }, { StreamName: 'wharf-demo-observations' });
    await open('trucks');
    await page.selectOption('[data-testid="trucks"] select', 'sqs-fifo');
    await page.locator('[data-testid="map"]').waitFor();
    await new Promise((r) => setTimeout(r, 4_000)); // the view takes its LATEST iterators
    const positions = 10;
    const run = await runWharf(['demo', 'trucks', '--via', 'sqs-fifo', '--positions', String(positions), '--consumers', '4', '--interval', '200'], stack.edge.url);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    await expect.poll(() => page.locator('[data-testid="truck-summary"]').textContent(), { timeout: 60_000 }).toContain(`${100 * positions} positions`);
    expect(await page.locator('[data-testid="ticks"] .tick').count()).toBe(100);
    expect(await page.locator('[data-testid="ticks"] .tick.bad').count()).toBe(0);
    expect((await page.locator('.legend > div').allTextContents()).map((t) => t.trim()).sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
    await screenshot(page, 'trucks-sqs-fifo');
  }, 300_000);

  it('an API error is a message on the page, never a blank page', async () => {
    const gone = (await sqs.send(new CreateQueueCommand({ QueueName: `${p}-short-lived` }))).QueueUrl ?? '';
    await open('queues');
    await page.fill('input[placeholder="name prefix"]', `${p}-short`);
    await page.locator(`[data-queue="${p}-short-lived"]`).click();
    await page.locator('[data-testid="q-visible"]', { hasText: '0' }).waitFor();
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone }));
    await page.locator('.error', { hasText: 'does not exist' }).first().waitFor({ timeout: 15_000 });
    expect(await page.locator('header h1').textContent()).toBe('Wharf');
    expect(errors).toEqual([]);
  });
});
