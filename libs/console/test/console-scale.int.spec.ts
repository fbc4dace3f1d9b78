import { CreateStreamCommand, DeleteStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, screenshot, startStack, type ConsoleStack } from './stack';

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

/** Whether the page still answers: a task queued in the page runs within `ms` (a frozen page never runs it). */
const responsive = (page: Page, ms = 5_000) => page.evaluate((limit) => new Promise<boolean>((r) => { setTimeout(() => r(true), 0); setTimeout(() => r(false), limit); }), ms);

describe('the console with 1,000 queues and 100 streams', () => {
  let stack: ConsoleStack;
  let browser: Browser;
  let page: Page;
  let p: string;
  const streams: string[] = [];
  let kinesis: KinesisClient;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({}, ['sqs', 'kinesis']), launchChromium()]);
    p = `s${stack.id.replace(/[^A-Za-z0-9]/g, '').slice(-10)}`;
    const common = { endpoint: stack.edge.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const sqs = new SQSClient(common);
    kinesis = new KinesisClient(common);
    const names = Array.from({ length: 1000 }, (_, i) => `${p}-q${String(i).padStart(4, '0')}`);
    await inBatches(names, 25, (QueueName) => sqs.send(new CreateQueueCommand({ QueueName })));
    await sqs.send(new SendMessageCommand({ QueueUrl: `${stack.edge.url}/000000000000/${p}-q0999`, MessageBody: 'the last one' }));
    for (let i = 0; i < 100; i++) streams.push(`${p}-st${String(i).padStart(3, '0')}`);
    await inBatches(streams, 10, (StreamName) => kinesis.send(new CreateStreamCommand({ StreamName, ShardCount: 1 })));
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    if (kinesis) await inBatches(streams, 10, (StreamName) => kinesis.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true })).catch(() => undefined));
    await stack?.stop();
  }, 300_000);

  it('lists 1,000 queues, renders only the rows in view, and stays responsive while scrolling to the last', async () => {
    const errors = collectPageErrors(page);
    await page.goto(`${stack.edge.url}/_wharf/console/#/queues`);
    await page.fill('input[placeholder="name prefix"]', p);
    await page.locator('h2', { hasText: 'Queues (1000)' }).waitFor({ timeout: 30_000 });
    const list = page.locator('[data-testid="queue-list"]');
    expect(await list.locator('.vrow').count()).toBeLessThan(60);
    expect(await responsive(page)).toBe(true);
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = list.locator(`[data-queue="${p}-q0999"]`);
    await last.waitFor();
    // the rows in view got their numbers (one stats call for them, not a thousand)
    await expect.poll(() => last.locator('span').nth(1).textContent(), { timeout: 15_000 }).toBe('1');
    expect(await list.locator('.vrow').count()).toBeLessThan(60);
    expect(await responsive(page)).toBe(true);
    await screenshot(page, 'queues-1000');
    expect(errors).toEqual([]);
  }, 120_000);

  it('lists 100 streams and opens the last', async () => {
    await page.goto(`${stack.edge.url}/_wharf/console/#/streams`);
    await page.locator('h2', { hasText: /Streams \(\d+\)/ }).waitFor();
    await expect.poll(async () => Number((await page.locator('h2').first().textContent())?.match(/\((\d+)\)/)?.[1] ?? 0), { timeout: 30_000 }).toBeGreaterThanOrEqual(100);
    const list = page.locator('[data-testid="stream-list"]');
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await list.locator(`[data-stream="${p}-st099"]`).click();
    await page.locator('[data-testid="keybar"] rect').first().waitFor({ timeout: 15_000 });
    expect(await responsive(page)).toBe(true);
  }, 120_000);
});

describe('the console with SigV4 on', () => {
  let stack: ConsoleStack;
  let browser: Browser;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack({ WHARF_VERIFY_SIGV4: 'true', WHARF_CREDENTIALS: 'console-key:console-secret' }, ['sqs']), launchChromium()]);
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  }, 60_000);

  it('asks for credentials, refuses wrong ones with a message, and signs every call with the right ones', async () => {
    const sqs = new SQSClient({ endpoint: stack.edge.url, region: 'us-east-1', credentials: { accessKeyId: 'console-key', secretAccessKey: 'console-secret' } });
    const name = `${stack.id.replace(/[^A-Za-z0-9]/g, '').slice(-10)}-signed`;
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? '';
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'signed body' }));
    const page = await browser.newPage();
    await page.goto(`${stack.edge.url}/_wharf/console/`);
    const form = page.locator('[data-testid="signin"]');
    await form.waitFor();
    await form.locator('input[name="accessKeyId"]').fill('console-key');
    await form.locator('input[name="secretAccessKey"]').fill('not-the-secret');
    await form.locator('button[type="submit"]').click();
    await page.locator('.error', { hasText: 'SignatureDoesNotMatch' }).first().waitFor({ timeout: 15_000 });
    await page.click('text=sign out');
    await form.locator('input[name="accessKeyId"]').fill('console-key');
    await form.locator('input[name="secretAccessKey"]').fill('console-secret');
    await form.locator('button[type="submit"]').click();
    await page.locator(`[data-queue="${name}"]`).click();
    await page.click('[data-testid="peek"]'); // an admin route: signed with scope sqs
    await page.locator('[data-testid="peek-table"] td', { hasText: 'signed body' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('wharf.console.credentials'))).toContain('console-key');
    await screenshot(page, 'signin-queues');
  }, 60_000);
});
