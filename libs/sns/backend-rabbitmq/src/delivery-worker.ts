import type { Channel, ConsumeMessage } from 'amqplib';
import { decodeStoredMessages, encodeStoredMessage, type StoredMessage, type SubscriptionRecord } from '@wharf/sns-engine';
import type { Log, RabbitConnection } from './connection';
import { HEADER_ATTEMPTS, subscriptionQueue } from './names';
import type { RabbitSnsBus } from './fan-out-bus';

/** What to do with a message after one delivery attempt (the app decides, the worker carries it out). */
export type WorkerDecision = { action: 'ack' } | { action: 'retry'; delayMs: number } | { action: 'hold'; reason: string };

export interface DeliveryWorkerOptions {
  connection: RabbitConnection;
  bus: RabbitSnsBus;
  /**
   * One attempt: deliver (or filter out) and say what happens next. `failedAttempts` counts earlier failures.
   * `sub` is shared by the entries of one broker message (a PublishBatch's): read it, never change it.
   */
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
  /** Set while the broker delivers to this consumer: its tag and the channel it lives on. */
  tag?: string;
  channel?: Channel;
  /** A consume under way: callers share it, so one process never holds two consumers of one queue. */
  starting?: Promise<void>;
  /** FIFO: the tail of each group's chain. */
  groups: Map<string, Promise<void>>;
}

/** The channel new consumers go on, and the connection (generation) it was made on. */
interface ChannelEntry {
  generation: number;
  channel: Promise<Channel>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Consumes subscription queues with manual acks. Standard subscriptions: messages in parallel; a failure is
 * republished to a delay queue (per-queue TTL, dead-lettered back) and the original acked. FIFO
 * subscriptions: one active consumer per queue broker-wide, each group's messages one at a time in order,
 * retries in place (the message stays unacked), so order holds into FIFO queues.
 *
 * Each consumer remembers the channel it is on. When any channel closes (its connection lost, or a channel
 * error such as a consume on a queue a restarted broker has not recovered yet), the consumers on it, and only
 * those, are started again. Before, only the worker's current channel was watched: a consumer left on an older
 * channel kept its tag after that channel closed, so no resync started it again and its queue was never read
 * after a broker restart.
 */
export class DeliveryWorker {
  private current?: ChannelEntry;
  /** Channels that have closed; a consume answered on one of them does not count. */
  private readonly closed = new WeakSet<Channel>();
  private readonly consumers = new Map<string, Consumer>();
  private stopped = false;
  private inFlight = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    options.connection.onConnected(async () => {
      // every channel of the old connection is gone with it
      this.current = undefined;
      for (const consumer of this.consumers.values()) this.forget(consumer);
      // Not awaited: a consume started while the connection was down waits for this reconnect to finish, and
      // this hook is part of it (the resume shares that consume instead of making a second one).
      if (!this.stopped) void this.resume();
    });
  }

  get busy(): number {
    return this.inFlight;
  }

  private forget(consumer: Consumer): void {
    consumer.tag = undefined;
    consumer.channel = undefined;
  }

  /** The channel for new consumers; one is made at a time, and callers meanwhile wait for the same one. */
  private ch(): Promise<Channel> {
    const live = this.current;
    if (live && live.generation === this.options.connection.generation) return live.channel;
    const entry = { generation: this.options.connection.generation } as ChannelEntry;
    entry.channel = this.openChannel(entry);
    entry.channel.catch(() => {
      if (this.current === entry) this.current = undefined;
    });
    this.current = entry;
    return entry.channel;
  }

  private async openChannel(entry: ChannelEntry): Promise<Channel> {
    const model = await this.options.connection.get();
    entry.generation = this.options.connection.generation; // the connection it is made on, once there is one
    const channel = await model.createChannel();
    channel.on('error', (err: Error) => this.options.log?.warn({ err: err.message }, 'delivery channel error'));
    channel.on('close', () => this.onChannelClosed(channel, entry));
    return channel;
  }

  private onChannelClosed(channel: Channel, entry: ChannelEntry): void {
    this.closed.add(channel);
    if (this.current === entry) this.current = undefined;
    let lost = false;
    for (const consumer of this.consumers.values()) {
      if (consumer.channel !== channel) continue;
      this.forget(consumer);
      lost = true;
    }
    // A channel closed by an error while its connection lives on: start its consumers on a new channel. (After a
    // lost connection, onConnected does it.)
    if (lost && !this.stopped && this.options.connection.connected) setTimeout(() => void this.resume(), 200);
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
      if (this.consumers.get(sub.arn) === consumer && !consumer.tag) this.consumers.delete(sub.arn);
      throw error;
    }
  }

  async unfollow(arn: string): Promise<void> {
    const consumer = this.consumers.get(arn);
    this.consumers.delete(arn);
    if (consumer?.tag && consumer.channel) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
  }

  private consume(consumer: Consumer): Promise<void> {
    consumer.starting ??= this.startConsumer(consumer).finally(() => {
      consumer.starting = undefined;
    });
    return consumer.starting;
  }

  private async startConsumer(consumer: Consumer): Promise<void> {
    if (consumer.tag) return;
    const ch = await this.ch();
    await ch.prefetch(consumer.sub.fifo ? this.options.fifoPrefetch ?? 100 : this.options.prefetch ?? 256, false);
    const queue = subscriptionQueue(consumer.sub);
    const reply = await ch.consume(queue, (msg) => {
      if (msg === null) {
        // The broker cancelled us: the queue is gone (unsubscribed, topic deleted). A subscription that still
        // exists is followed again by the next resync.
        if (this.consumers.get(consumer.sub.arn) === consumer) this.consumers.delete(consumer.sub.arn);
        return;
      }
      void this.onMessage(ch, consumer, msg);
    });
    if (this.closed.has(ch)) throw new Error('the channel closed as the consume was answered'); // the next resync starts it
    if (this.stopped || this.consumers.get(consumer.sub.arn) !== consumer) {
      await ch.cancel(reply.consumerTag).catch(() => undefined); // unfollowed meanwhile
      return;
    }
    consumer.tag = reply.consumerTag;
    consumer.channel = ch;
  }

  private async onMessage(ch: Channel, consumer: Consumer, msg: ConsumeMessage): Promise<void> {
    let messages: StoredMessage[];
    try {
      messages = decodeStoredMessages(msg.content);
    } catch (error) {
      // Not a message this process can read (one written by a newer Wharf, or damaged): kept in the holding
      // queue with the reason, as an exhausted delivery is, never dropped.
      await this.holdUnreadable(ch, consumer, msg, error);
      return;
    }
    const failed = Number((msg.properties.headers ?? {})[HEADER_ATTEMPTS] ?? 0) || 0;
    const [message] = messages;
    // A FIFO topic publishes one message a broker message; several are a standard topic's PublishBatch.
    if (consumer.sub.fifo && messages.length === 1 && message.groupId !== undefined) {
      const group = message.groupId;
      const previous = consumer.groups.get(group) ?? Promise.resolve();
      const next = previous.then(() => this.fifoDeliver(ch, consumer, msg, message, failed));
      consumer.groups.set(group, next);
      await next;
      if (consumer.groups.get(group) === next) consumer.groups.delete(group);
      return;
    }
    await this.standardDeliver(ch, consumer, msg, messages, failed);
  }

  private async holdUnreadable(ch: Channel, consumer: Consumer, msg: ConsumeMessage, error: unknown): Promise<void> {
    const reason = `unreadable: ${error instanceof Error ? error.message : String(error)}`;
    try {
      await this.options.bus.hold(consumer.sub, msg.content, 0, reason, msg.properties.messageId);
      this.options.log?.error({ sub: consumer.sub.arn, reason }, 'an unreadable message held');
      this.ack(ch, msg);
    } catch {
      await sleep(1000);
      this.nack(ch, msg);
    }
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

  /** `current`: the subscription's record when the caller looked it up already (one lookup a broker message). */
  private async attempt(consumer: Consumer, message: StoredMessage, failed: number, current?: Promise<SubscriptionRecord | undefined>): Promise<WorkerDecision | 'gone'> {
    const sub = (await (current ?? this.options.lookup(consumer.sub.arn))) ?? undefined;
    if (!sub) return 'gone';
    consumer.sub = sub;
    this.inFlight++;
    try {
      return await this.options.deliver(sub, message, failed);
    } finally {
      this.inFlight--;
    }
  }

  /**
   * The messages of one broker message, side by side; it is acked once each was delivered, filtered out, or
   * put back on its own (a retry into a delay queue, or held). Until then a broker or bookkeeping failure
   * leaves the whole broker message to be redelivered: at least once, as SNS promises.
   */
  private async standardDeliver(ch: Channel, consumer: Consumer, msg: ConsumeMessage, messages: StoredMessage[], failed: number): Promise<void> {
    try {
      const current = this.options.lookup(consumer.sub.arn);
      const decisions = await Promise.all(messages.map((m) => this.attempt(consumer, m, failed, current)));
      for (const [i, decision] of decisions.entries()) {
        if (decision === 'gone' || decision.action === 'ack') continue;
        const message = messages[i];
        // A batch's entry goes on alone, so a retry or a hold carries it and none of its batch.
        const content = messages.length === 1 ? msg.content : encodeStoredMessage(message);
        if (decision.action === 'retry') {
          await this.options.bus.requeueLater(consumer.sub, content, failed + 1, decision.delayMs, message.messageId);
        } else {
          await this.options.bus.hold(consumer.sub, content, failed + 1, decision.reason, message.messageId);
          this.options.log?.warn({ sub: consumer.sub.arn, messageId: message.messageId, reason: decision.reason }, 'delivery exhausted: message held');
        }
      }
      this.ack(ch, msg);
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
    for (const consumer of this.consumers.values()) {
      if (consumer.tag && consumer.channel) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    }
    this.consumers.clear();
  }
}
