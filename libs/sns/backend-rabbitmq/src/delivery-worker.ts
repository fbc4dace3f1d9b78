import type { Channel, ConsumeMessage } from 'amqplib';
import { decodeStoredMessage, type StoredMessage, type SubscriptionRecord } from '@wharf/sns-engine';
import type { Log, RabbitConnection } from './connection';
import { HEADER_ATTEMPTS, subscriptionQueue } from './names';
import type { RabbitSnsBus } from './fan-out-bus';

/** What to do with a message after one delivery attempt (the app decides, the worker carries it out). */
export type WorkerDecision = { action: 'ack' } | { action: 'retry'; delayMs: number } | { action: 'hold'; reason: string };

export interface DeliveryWorkerOptions {
  connection: RabbitConnection;
  bus: RabbitSnsBus;
  /** One attempt: deliver (or filter out) and say what happens next. `failedAttempts` counts earlier failures. */
  deliver(sub: SubscriptionRecord, message: StoredMessage, failedAttempts: number): Promise<WorkerDecision>;
  /** The current record of a subscription (it may have changed since the consumer started). */
  lookup(arn: string): Promise<SubscriptionRecord | undefined>;
  /** Unacknowledged messages per standard subscription consumer. */
  prefetch?: number;
  /** FIFO subscriptions: messages in flight across groups (a group always has one at a time). */
  fifoPrefetch?: number;
  log?: Log;
}

interface Consumer {
  sub: SubscriptionRecord;
  tag?: string;
  /** FIFO: the tail of each group's chain. */
  groups: Map<string, Promise<void>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Consumes subscription queues with manual acks. Standard subscriptions: messages in parallel; a failure is
 * republished to a delay queue (per-queue TTL, dead-lettered back) and the original acked. FIFO
 * subscriptions: one active consumer per queue broker-wide, each group's messages one at a time in order,
 * retries in place (the message stays unacked), so order holds into FIFO queues.
 */
export class DeliveryWorker {
  private channel?: Channel;
  private channelGeneration = -1;
  private readonly consumers = new Map<string, Consumer>();
  private stopped = false;
  private inFlight = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    options.connection.onConnected(async () => {
      this.channel = undefined;
      for (const consumer of this.consumers.values()) consumer.tag = undefined;
      if (!this.stopped) await this.resume();
    });
  }

  get busy(): number {
    return this.inFlight;
  }

  private async ch(): Promise<Channel> {
    const generation = this.options.connection.generation;
    if (this.channel && this.channelGeneration === generation) return this.channel;
    const model = await this.options.connection.get();
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.options.log?.warn({ err: err.message }, 'delivery channel error'));
    channel.on('close', () => {
      if (this.channel === channel) {
        this.channel = undefined;
        for (const consumer of this.consumers.values()) consumer.tag = undefined;
        // A channel closed by an error (not the connection): rebuild the consumers on a new one.
        if (!this.stopped && this.options.connection.connected) setTimeout(() => void this.resume(), 200);
      }
    });
    this.channel = channel;
    this.channelGeneration = this.options.connection.generation;
    return channel;
  }

  private async resume(): Promise<void> {
    for (const consumer of this.consumers.values()) {
      if (!consumer.tag) await this.consume(consumer).catch((err: Error) => this.options.log?.warn({ err: err.message, sub: consumer.sub.arn }, 'consume failed'));
    }
  }

  /** Starts consuming a subscription's queue (idempotent). */
  async follow(sub: SubscriptionRecord): Promise<void> {
    if (this.stopped) return;
    const existing = this.consumers.get(sub.arn);
    if (existing) {
      existing.sub = sub;
      if (existing.tag) return;
      await this.consume(existing);
      return;
    }
    const consumer: Consumer = { sub, groups: new Map() };
    this.consumers.set(sub.arn, consumer);
    try {
      await this.consume(consumer);
    } catch (error) {
      this.consumers.delete(sub.arn);
      throw error;
    }
  }

  async unfollow(arn: string): Promise<void> {
    const consumer = this.consumers.get(arn);
    this.consumers.delete(arn);
    if (consumer?.tag && this.channel) await this.channel.cancel(consumer.tag).catch(() => undefined);
  }

  private async consume(consumer: Consumer): Promise<void> {
    const ch = await this.ch();
    await ch.prefetch(consumer.sub.fifo ? this.options.fifoPrefetch ?? 100 : this.options.prefetch ?? 256, false);
    const queue = subscriptionQueue(consumer.sub);
    const reply = await ch.consume(queue, (msg) => {
      if (msg === null) {
        // The broker cancelled us: the queue is gone (unsubscribed, topic deleted).
        this.consumers.delete(consumer.sub.arn);
        return;
      }
      void this.onMessage(ch, consumer, msg);
    });
    consumer.tag = reply.consumerTag;
  }

  private async onMessage(ch: Channel, consumer: Consumer, msg: ConsumeMessage): Promise<void> {
    let message: StoredMessage;
    try {
      message = decodeStoredMessage(msg.content);
    } catch (error) {
      this.options.log?.error({ err: String(error), sub: consumer.sub.arn }, 'dropping an unreadable message');
      this.ack(ch, msg);
      return;
    }
    const failed = Number((msg.properties.headers ?? {})[HEADER_ATTEMPTS] ?? 0) || 0;
    if (consumer.sub.fifo && message.groupId !== undefined) {
      const group = message.groupId;
      const previous = consumer.groups.get(group) ?? Promise.resolve();
      const next = previous.then(() => this.fifoDeliver(ch, consumer, msg, message, failed));
      consumer.groups.set(group, next);
      await next;
      if (consumer.groups.get(group) === next) consumer.groups.delete(group);
      return;
    }
    await this.standardDeliver(ch, consumer, msg, message, failed);
  }

  private ack(ch: Channel, msg: ConsumeMessage): void {
    try {
      ch.ack(msg);
    } catch {
      // the channel is gone: the broker redelivers the message (at least once)
    }
  }

  private nack(ch: Channel, msg: ConsumeMessage): void {
    try {
      ch.nack(msg, false, true);
    } catch {
      // channel gone: redelivered anyway
    }
  }

  private async attempt(consumer: Consumer, message: StoredMessage, failed: number): Promise<WorkerDecision | 'gone'> {
    const sub = (await this.options.lookup(consumer.sub.arn)) ?? undefined;
    if (!sub) return 'gone';
    consumer.sub = sub;
    this.inFlight++;
    try {
      return await this.options.deliver(sub, message, failed);
    } finally {
      this.inFlight--;
    }
  }

  private async standardDeliver(ch: Channel, consumer: Consumer, msg: ConsumeMessage, message: StoredMessage, failed: number): Promise<void> {
    try {
      const decision = await this.attempt(consumer, message, failed);
      if (decision === 'gone' || decision.action === 'ack') {
        this.ack(ch, msg);
      } else if (decision.action === 'retry') {
        await this.options.bus.requeueLater(consumer.sub, msg.content, failed + 1, decision.delayMs, message.messageId);
        this.ack(ch, msg);
      } else {
        await this.options.bus.hold(consumer.sub, msg.content, failed + 1, decision.reason, message.messageId);
        this.options.log?.warn({ sub: consumer.sub.arn, messageId: message.messageId, reason: decision.reason }, 'delivery exhausted: message held');
        this.ack(ch, msg);
      }
    } catch (error) {
      // Could not even record the outcome (broker trouble): leave it to the broker to redeliver.
      this.options.log?.warn({ err: error instanceof Error ? error.message : String(error), sub: consumer.sub.arn }, 'delivery bookkeeping failed; requeued');
      await sleep(200);
      this.nack(ch, msg);
    }
  }

  private async fifoDeliver(ch: Channel, consumer: Consumer, msg: ConsumeMessage, message: StoredMessage, failedBefore: number): Promise<void> {
    let failed = failedBefore;
    for (;;) {
      if (this.stopped) return; // unacked: redelivered to the next consumer, in order
      let decision: WorkerDecision | 'gone';
      try {
        decision = await this.attempt(consumer, message, failed);
      } catch (error) {
        this.options.log?.warn({ err: error instanceof Error ? error.message : String(error) }, 'fifo delivery error');
        decision = { action: 'retry', delayMs: 1000 };
      }
      if (decision === 'gone' || decision.action === 'ack') {
        this.ack(ch, msg);
        return;
      }
      if (decision.action === 'retry') {
        failed++;
        await sleep(decision.delayMs);
        continue;
      }
      try {
        await this.options.bus.hold(consumer.sub, msg.content, failed + 1, decision.reason, message.messageId);
        this.options.log?.warn({ sub: consumer.sub.arn, messageId: message.messageId, reason: decision.reason }, 'delivery exhausted: message held');
        this.ack(ch, msg);
      } catch {
        await sleep(1000);
        continue;
      }
      return;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const ch = this.channel;
    if (ch) {
      for (const consumer of this.consumers.values()) if (consumer.tag) await ch.cancel(consumer.tag).catch(() => undefined);
    }
    this.consumers.clear();
  }
}
