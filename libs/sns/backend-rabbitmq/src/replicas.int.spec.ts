import { connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredMessage, SubscriptionRecord, TopicRecord } from '@wharf/sns-engine';
import { testMessage, testSubscription, testTopic } from '@wharf/sns-backend-rabbitmq/testing';
import { DeliveryWorker, RabbitConnection, RabbitSnsBus, subscriptionQueue, type QueueType, type WorkerDecision } from './index';

// Queue types (quorum by default, an existing queue of the other type kept) and two sns replicas consuming
// the same FIFO subscription queue, on whatever RabbitMQ WHARF_AMQP_URL names (one node or a cluster).
const amqpUrl = process.env.WHARF_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const managementUrl = new URL((process.env.WHARF_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672').split(',')[0]);
const cleanup: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

/** One sns process' RabbitMQ side: its own connection and bus (what a replica has). */
async function replica(queueType: QueueType = 'quorum') {
  const connection = new RabbitConnection(amqpUrl);
  await connection.get();
  cleanup.push(() => connection.close());
  return { connection, bus: new RabbitSnsBus(connection, { queueType }) };
}

const topic = (bus: RabbitSnsBus, fifo: boolean): TopicRecord => testTopic(bus, cleanup, 'rt', fifo);
const subscription = (bus: RabbitSnsBus, t: TopicRecord): SubscriptionRecord => testSubscription(bus, cleanup, t);
const message = testMessage;

async function queueInfo(queue: string): Promise<{ type: string; arguments: Record<string, unknown> }> {
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(managementUrl.username)}:${decodeURIComponent(managementUrl.password)}`).toString('base64')}`;
  const res = await fetch(`${managementUrl.protocol}//${managementUrl.host}/api/queues/%2F/${encodeURIComponent(queue)}`, { headers: { authorization: auth } });
  expect(res.status).toBe(200);
  return (await res.json()) as { type: string; arguments: Record<string, unknown> };
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function worker(r: { connection: RabbitConnection; bus: RabbitSnsBus }, s: SubscriptionRecord, deliver: (m: StoredMessage) => Promise<WorkerDecision>) {
  const w = new DeliveryWorker({ connection: r.connection, bus: r.bus, deliver: (_s, m) => deliver(m), lookup: async () => s, fifoPrefetch: 50 });
  cleanup.push(() => w.stop());
  return w;
}

describe('queue types', () => {
  it('declares subscription queues as quorum queues by default, FIFO ones with a single active consumer', async () => {
    const r = await replica();
    const standard = topic(r.bus, false);
    const fifo = topic(r.bus, true);
    await r.bus.ensureTopic(standard);
    await r.bus.ensureTopic(fifo);
    const a = subscription(r.bus, standard);
    const b = subscription(r.bus, fifo);
    await r.bus.ensureSubscription(a, true);
    await r.bus.ensureSubscription(b, true);
    expect((await queueInfo(subscriptionQueue(a))).type).toBe('quorum');
    const fifoQueue = await queueInfo(subscriptionQueue(b));
    expect(fifoQueue.type).toBe('quorum');
    expect(fifoQueue.arguments['x-single-active-consumer']).toBe(true);
    await r.bus.publish(standard, message(standard, 'one'));
    expect(await r.bus.depth(a)).toEqual({ ready: 1, held: 0 });
  });

  it('keeps a classic queue declared before quorum became the default (RabbitMQ answers 406), and it still works', async () => {
    const r = await replica('quorum');
    const t = topic(r.bus, false);
    await r.bus.ensureTopic(t);
    const s = subscription(r.bus, t);
    // What an older Wharf left in a running deployment: the same queue, classic.
    const raw = await connect(amqpUrl.split(',')[0]);
    const ch = await raw.createChannel();
    await ch.assertQueue(subscriptionQueue(s), { durable: true, arguments: {} });
    await raw.close();
    await r.bus.ensureSubscription(s, true);
    await r.bus.ensureSubscription(s, true); // again, as a resync or another replica does
    expect((await queueInfo(subscriptionQueue(s))).type).toBe('classic');
    await r.bus.publish(t, message(t, 'still delivered'));
    expect(await r.bus.depth(s)).toEqual({ ready: 1, held: 0 });
    // The bus' channels survived the 406 (it closes the channel it happened on).
    const other = subscription(r.bus, t);
    await r.bus.ensureSubscription(other, true);
    expect((await queueInfo(subscriptionQueue(other))).type).toBe('quorum');
  });

  it('and the reverse: WHARF_SNS_QUEUE_TYPE=classic keeps an existing quorum queue', async () => {
    const q = await replica('quorum');
    const c = await replica('classic');
    const t = topic(q.bus, false);
    await q.bus.ensureTopic(t);
    const s = subscription(q.bus, t);
    await q.bus.ensureSubscription(s, true);
    await c.bus.ensureSubscription(s, true);
    expect((await queueInfo(subscriptionQueue(s))).type).toBe('quorum');
  });
});

describe('two sns replicas on one FIFO subscription queue', () => {
  it('one consumer at a time (single active consumer): each group in order, also when the active replica dies', async () => {
    const a = await replica();
    const b = await replica();
    const t = topic(a.bus, true);
    await a.bus.ensureTopic(t);
    const s = subscription(a.bus, t);
    await a.bus.ensureSubscription(s, true);
    const groups = ['truck-1', 'truck-2', 'truck-3', 'truck-4'];
    const perGroup = 40;
    const log: Array<{ replica: 'a' | 'b'; group: string; n: number }> = [];
    const inFlight = new Map<string, string>(); // group -> replica delivering it now
    let overlaps = 0;
    let killed = false;
    const deliverAs = (name: 'a' | 'b') => async (m: StoredMessage): Promise<WorkerDecision> => {
      const [group, n] = m.message.split(':');
      if (name === 'a' && killed) return new Promise(() => undefined); // a dead process answers nothing
      if (inFlight.has(group)) overlaps++;
      inFlight.set(group, name);
      await new Promise((r) => setTimeout(r, 2));
      if (name === 'a' && killed) return new Promise(() => undefined); // died mid-delivery: no effect, no ack
      inFlight.delete(group);
      log.push({ replica: name, group, n: Number(n) });
      return { action: 'ack' };
    };
    const kill = () => {
      killed = true;
      // A killed process delivers nothing more: what a had in flight is not in flight any more (else b's first
      // delivery of that group, within the 2 ms a's delivery sleeps, would count as an overlap).
      for (const [group, name] of inFlight) if (name === 'a') inFlight.delete(group);
    };
    const wa = worker(a, s, deliverAs('a'));
    const wb = worker(b, s, deliverAs('b'));
    await wa.follow(s);
    await wb.follow(s);
    for (let i = 0; i < perGroup; i++) await Promise.all(groups.map((g) => a.bus.publish(t, message(t, `${g}:${i}`, g))));
    // Replica a (the first consumer: the active one) dies half-way, its unacknowledged messages with it.
    await until(() => log.length >= (groups.length * perGroup) / 2);
    kill();
    await a.connection.close();
    const delivered = () => new Set(log.map((e) => `${e.group}:${e.n}`)).size;
    await until(() => delivered() === groups.length * perGroup);
    expect(overlaps).toBe(0);
    const firstB = log.findIndex((e) => e.replica === 'b');
    expect(firstB).toBeGreaterThan(0);
    // Before a died only a delivered (b was registered but not active); after, only b.
    expect(log.slice(0, firstB).every((e) => e.replica === 'a')).toBe(true);
    expect(log.slice(firstB).every((e) => e.replica === 'b')).toBe(true);
    for (const g of groups) {
      const seq = log.filter((e) => e.group === g).map((e) => e.n);
      // No gap: each delivery is the next of its group or a repeat of one already delivered (at least once
      // after the crash; SQS FIFO drops it by deduplication id).
      seq.forEach((n, i) => expect(n <= Math.max(-1, ...seq.slice(0, i)) + 1, `${g}: ${seq.join(',')}`).toBe(true));
      expect([...new Set(seq)]).toEqual(Array.from({ length: perGroup }, (_, i) => i));
    }
    const repeats = log.length - delivered();
    console.log(`FIFO two replicas: ${log.length} deliveries, ${repeats} repeated after the active replica died, ${log.length - firstB} by the standby`);
  });

  it('standard subscriptions: both replicas consume (competing consumers), every message once', async () => {
    const a = await replica();
    const b = await replica();
    const t = topic(a.bus, false);
    await a.bus.ensureTopic(t);
    const s = subscription(a.bus, t);
    await a.bus.ensureSubscription(s, true);
    const by = { a: 0, b: 0 };
    const seen = new Set<string>();
    const deliverAs = (name: 'a' | 'b') => async (m: StoredMessage): Promise<WorkerDecision> => {
      by[name]++;
      seen.add(m.message);
      await new Promise((r) => setTimeout(r, 5));
      return { action: 'ack' };
    };
    await worker(a, s, deliverAs('a')).follow(s);
    await worker(b, s, deliverAs('b')).follow(s);
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.bus.publish(t, message(t, `m${i}`))));
    await until(() => seen.size === 200);
    expect(by.a + by.b).toBe(200);
    expect(by.a).toBeGreaterThan(0);
    expect(by.b).toBeGreaterThan(0);
  });
});
