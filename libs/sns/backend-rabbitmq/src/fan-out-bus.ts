import type { Channel, ConfirmChannel, Options } from 'amqplib';
import { AwsError } from '@wharf/aws-protocol';
import { encodeStoredMessage, encodeStoredMessages, type SnsBus, type StoredMessage, type SubscriptionRecord, type TopicRecord } from '@wharf/sns-engine';
import type { Log, RabbitConnection } from './connection';
import {
  delayQueue,
  HEADER_ATTEMPTS,
  HEADER_HOLD_REASON,
  HEADER_QUEUE,
  holdingQueue,
  PUBLISH_EXCHANGE,
  REDELIVER_EXCHANGE,
  subscriptionQueue,
  topicExchange,
} from './names';

type Headers = Record<string, unknown>;

/** A channel bound to the connection it was made on; recreated after a loss or a channel error. */
class ChannelSlot<C extends Channel> {
  private channel?: Promise<C>;
  constructor(private readonly make: () => Promise<C>) {}
  get(): Promise<C> {
    if (!this.channel) {
      const p = this.make().then((ch) => {
        const drop = () => {
          if (this.channel === p) this.channel = undefined;
        };
        ch.on('close', drop);
        ch.on('error', drop);
        return ch;
      });
      p.catch(() => {
        if (this.channel === p) this.channel = undefined;
      });
      this.channel = p;
    }
    return this.channel;
  }
  reset(): void {
    this.channel = undefined;
  }
  /** Stops handing out `ch` (if it is still the current one) and closes it once its answers had time to come. */
  retire(ch: C, afterMs: number): void {
    void this.channel?.then((current) => {
      if (current !== ch) return;
      this.reset();
      setTimeout(() => void ch.close().catch(() => undefined), afterMs).unref();
    });
  }
}

function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /NOT_FOUND|404/.test(text);
}

/** A queue declared with arguments other than those it has (its type above all); the channel is closed. */
function isPreconditionFailed(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /PRECONDITION_FAILED|406/.test(text);
}

/**
 * The type of the queues Wharf declares (subscription, holding and delay queues). `quorum`: replicated on the
 * cluster's nodes (Raft), so a subscription survives the loss of a node, and RabbitMQ's type for data that
 * must not be lost (it works on one node as well). `classic`: one node's queue, what Wharf declared before.
 */
export type QueueType = 'quorum' | 'classic';

export interface RabbitSnsBusOptions {
  queueType?: QueueType;
  /** For this long (ms) a publish whose confirm was lost (channel or connection closed, broker nack) is sent again. */
  publishRetryMs?: number;
  log?: Log;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SnsBus on RabbitMQ. Publishes go through a confirm channel and resolve only when the broker has the
 * persistent message in every bound durable queue, so an acknowledged Publish survives an sns crash.
 */
export class RabbitSnsBus implements SnsBus {
  private readonly publisher: ChannelSlot<ConfirmChannel>;
  private readonly admin: ChannelSlot<Channel>;
  private readonly delayQueues = new Set<number>();
  private readonly holdQueues = new Set<string>();
  private redeliverDeclared = false;
  readonly queueType: QueueType;
  private readonly publishRetryMs: number;
  /** Queues found with another type than `queueType` (declared before a change of WHARF_SNS_QUEUE_TYPE). */
  private readonly keptAsTheyWere = new Set<string>();

  constructor(
    private readonly connection: RabbitConnection,
    private readonly options: RabbitSnsBusOptions = {},
  ) {
    this.queueType = options.queueType ?? 'quorum';
    this.publishRetryMs = options.publishRetryMs ?? 30_000;
    this.publisher = new ChannelSlot(async () => {
      const ch = await (await connection.get()).createConfirmChannel();
      ch.on('error', () => undefined);
      return ch;
    });
    this.admin = new ChannelSlot(async () => {
      const ch = await (await connection.get()).createChannel();
      ch.on('error', () => undefined);
      return ch;
    });
    connection.onConnected(async () => {
      this.publisher.reset();
      this.admin.reset();
      this.delayQueues.clear();
      this.holdQueues.clear();
      this.redeliverDeclared = false;
    });
  }

  /** Runs a topology step; a channel-level error (which closes the channel) is retried once on a new one. */
  private async topology<T>(step: (ch: Channel) => Promise<T>): Promise<T> {
    try {
      return await step(await this.admin.get());
    } catch (error) {
      this.admin.reset();
      if (isNotFound(error) || isPreconditionFailed(error)) throw error;
      return step(await this.admin.get());
    }
  }

  /** Arguments of a queue of the configured type, beside the queue's own. */
  private queueArguments(own: Record<string, unknown> = {}): Record<string, unknown> {
    return this.queueType === 'quorum' ? { 'x-queue-type': 'quorum', ...own } : own;
  }

  /**
   * Declares a durable queue. One that exists with other arguments (a classic queue from before the switch to
   * quorum queues, or the reverse) makes RabbitMQ answer PRECONDITION_FAILED (406): a queue's type cannot
   * change, and replacing it would drop the messages in it. It is kept as it is (it exists: checked passively)
   * and said once in the log; `rabbitmq-queues` or a drained re-subscription migrates it.
   */
  private async declareQueue(queue: string, args: Record<string, unknown>): Promise<void> {
    try {
      await this.topology((ch) => ch.assertQueue(queue, { durable: true, arguments: args }));
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      await this.topology((ch) => ch.checkQueue(queue));
      if (!this.keptAsTheyWere.has(queue)) {
        this.keptAsTheyWere.add(queue);
        this.options.log?.warn({ queue, wanted: args, err: error instanceof Error ? error.message : String(error) }, 'queue exists with other arguments; kept as it is');
      }
    }
  }

  private async ensureRedeliverExchange(ch: Channel): Promise<void> {
    if (this.redeliverDeclared) return;
    await ch.assertExchange(REDELIVER_EXCHANGE, 'headers', { durable: true });
    this.redeliverDeclared = true;
  }

  async ensureTopic(topic: TopicRecord): Promise<void> {
    const exchange = topicExchange(topic.arn);
    await this.topology(async (ch) => {
      await ch.assertExchange(PUBLISH_EXCHANGE, 'direct', { durable: true });
      await ch.assertExchange(exchange, 'fanout', { durable: true });
      await ch.bindExchange(exchange, PUBLISH_EXCHANGE, exchange);
    });
  }

  async deleteTopic(topic: TopicRecord): Promise<void> {
    await this.topology((ch) => ch.deleteExchange(topicExchange(topic.arn)));
  }

  async ensureSubscription(sub: SubscriptionRecord, bind: boolean): Promise<void> {
    const queue = subscriptionQueue(sub);
    // FIFO: one consumer at a time across all sns processes (replicas) keeps each group's order.
    await this.declareQueue(queue, this.queueArguments(sub.fifo ? { 'x-single-active-consumer': true } : {}));
    await this.topology(async (ch) => {
      await this.ensureRedeliverExchange(ch);
      await ch.bindQueue(queue, REDELIVER_EXCHANGE, '', { 'x-match': 'all', [HEADER_QUEUE]: queue });
      if (bind) await ch.bindQueue(queue, topicExchange(sub.topicArn), '');
    });
  }

  async bindSubscription(sub: SubscriptionRecord): Promise<void> {
    await this.topology((ch) => ch.bindQueue(subscriptionQueue(sub), topicExchange(sub.topicArn), ''));
  }

  async deleteSubscription(sub: SubscriptionRecord): Promise<void> {
    await this.topology(async (ch) => {
      await ch.deleteQueue(subscriptionQueue(sub));
      await ch.deleteQueue(holdingQueue(sub));
    });
    this.holdQueues.delete(holdingQueue(sub));
  }

  /**
   * Publishes with confirm; resolves when the broker has it, rejects (NotFound for a vanished topic) otherwise.
   * A confirm lost with its channel (the connected node died) or a nack (a quorum queue without a leader for a
   * moment) is not an answer: the message is published again, on a new channel and maybe another node —
   * at least once (AWS SNS's own promise; SQS FIFO drops the duplicate by its deduplication id), never lost
   * behind an acknowledged Publish. After `publishRetryMs` the error reaches the caller (a retryable 500).
   */
  private async confirmed(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.confirmedOnce(exchange, routingKey, content, options);
        return;
      } catch (error) {
        if (error instanceof AwsError || Date.now() - started >= this.publishRetryMs) throw error;
        this.options.log?.warn({ err: error instanceof Error ? error.message : String(error), attempt, sinceMs: Date.now() - started }, 'publish not confirmed; publishing again');
        await sleep(Math.min(100 * 2 ** attempt, 2000));
      }
    }
  }

  private async confirmedOnce(exchange: string, routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const ch = await this.publisher.get();
    await new Promise<void>((resolve, reject) => {
      try {
        ch.publish(exchange, routingKey, content, { persistent: true, contentType: 'application/json', ...options }, (err) => {
          if (!err) return resolve();
          if (isNotFound(err)) return reject(new AwsError('NotFound', 'Topic does not exist'));
          // A nack. Seen on RabbitMQ 3.10 after a quorum queue's leader node died: a channel opened before the
          // new leader was known nacked every publish to that queue for as long as it lived (30 s and more),
          // while a new channel publishes at once. So the next attempt goes to a new channel.
          if (/nack/i.test(String(err))) this.publisher.retire(ch, 30_000);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
      } catch (error) {
        this.publisher.reset();
        reject(error);
      }
    });
  }

  async publish(topic: TopicRecord, message: StoredMessage): Promise<void> {
    await this.confirmed(PUBLISH_EXCHANGE, topicExchange(topic.arn), encodeStoredMessage(message), { messageId: message.messageId });
  }

  /** One persistent message (a JSON array) for all of a standard topic's PublishBatch entries; see `publish`. */
  async publishBatch(topic: TopicRecord, messages: StoredMessage[]): Promise<void> {
    await this.confirmed(PUBLISH_EXCHANGE, topicExchange(topic.arn), encodeStoredMessages(messages), messages.length === 1 ? { messageId: messages[0].messageId } : {});
  }

  async sendToSubscription(sub: SubscriptionRecord, message: StoredMessage): Promise<void> {
    await this.confirmed('', subscriptionQueue(sub), encodeStoredMessage(message), { messageId: message.messageId });
  }

  /** Back into the subscription queue after `delayMs` (0: at once), with the failed-attempt count. */
  async requeueLater(sub: SubscriptionRecord, content: Buffer, failedAttempts: number, delayMs: number, messageId?: string): Promise<void> {
    const queue = subscriptionQueue(sub);
    const headers: Headers = { [HEADER_QUEUE]: queue, [HEADER_ATTEMPTS]: failedAttempts };
    if (delayMs <= 0) {
      await this.confirmed('', queue, content, { headers, messageId });
      return;
    }
    const ms = Math.max(1, Math.round(delayMs));
    if (!this.delayQueues.has(ms)) {
      await this.topology((ch) => this.ensureRedeliverExchange(ch));
      const own: Record<string, unknown> = { 'x-message-ttl': ms, 'x-dead-letter-exchange': REDELIVER_EXCHANGE };
      // A quorum queue dead-letters at most once unless told otherwise; at-least-once needs reject-publish.
      if (this.queueType === 'quorum') Object.assign(own, { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' });
      await this.declareQueue(delayQueue(ms), this.queueArguments(own));
      this.delayQueues.add(ms);
    }
    await this.confirmed('', delayQueue(ms), content, { headers, messageId });
  }

  /** Parks a message whose retries are exhausted and that has no DLQ (AWS would drop it; Wharf keeps it). */
  async hold(sub: SubscriptionRecord, content: Buffer, failedAttempts: number, reason: string, messageId?: string): Promise<void> {
    const queue = holdingQueue(sub);
    if (!this.holdQueues.has(queue)) {
      await this.declareQueue(queue, this.queueArguments());
      this.holdQueues.add(queue);
    }
    await this.confirmed('', queue, content, {
      headers: { [HEADER_ATTEMPTS]: failedAttempts, [HEADER_HOLD_REASON]: reason.slice(0, 1000) },
      messageId,
    });
  }

  /** Messages waiting in a subscription's queue and in its holding queue (0 when a queue does not exist). */
  async depth(sub: SubscriptionRecord): Promise<{ ready: number; held: number }> {
    const count = async (queue: string) => {
      const ch = await (await this.connection.get()).createChannel();
      ch.on('error', () => undefined);
      try {
        return (await ch.checkQueue(queue)).messageCount;
      } catch {
        return 0;
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    const [ready, held] = await Promise.all([count(subscriptionQueue(sub)), count(holdingQueue(sub))]);
    return { ready, held };
  }
}
