#!/usr/bin/env node
// The floor of SNS fan-out to SQS on durable brokers, for the bench's SNS rows: one Node http server answering,
// like the edge, the SNS Query calls the rows make (bench/lib/bare-sns.mjs) and the SQS JSON calls from queues on
// Redis (bench/lib/redis-sqs.mjs), with between them what any SNS that keeps what it acknowledged does at the
// least on RabbitMQ:
//   - a topic is a durable fanout exchange, a subscription a durable queue bound to it (classic, as Wharf's on one node);
//   - a Publish answers once RabbitMQ confirmed the persistent message (signed once, its copies share it), and a
//     PublishBatch once it confirmed one persistent message holding all its entries: one write a batch;
//   - a consumer per subscription (manual acks, prefetch 512) puts what arrives into its SQS queue on Redis, up to
//     10 envelopes a script call, 8 calls at a time a queue, and acks each message once its envelopes are stored.
// What it leaves out is what the in-memory bare server leaves out (SigV4, attributes, filter policies, limits,
// retries and their delay queues, subscription lookups).
//
//   node bench/sns/floor-server.mjs <port> <redis url> <key prefix> <amqp url>
import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { sqsAnswerer } from '../lib/bare-sqs.mjs';
import { envelope, signedNotification, snsAnswerer } from '../lib/bare-sns.mjs';
import { redisSqsQueues } from '../lib/redis-sqs.mjs';

const [port, redisUrl, prefix, amqpUrl] = process.argv.slice(2);
const PREFETCH = 512;
const CALLS_A_QUEUE = 8;

const queues = redisSqsQueues(redisUrl, prefix);
const connection = await amqp.connect(amqpUrl);
const publisher = await connection.createConfirmChannel();
/** topic ARN → { exchange, subscriptions: [{ queue, channel }] } */
const topics = new Map();

/**
 * Takes a subscription's messages (each one Publish or a PublishBatch's entries) as they come and stores their
 * envelopes in its SQS queue, up to 10 a script call; a message is acked once all its envelopes are stored.
 */
function deliverer(channel, origin, queueArn) {
  const name = queueArn.slice(queueArn.lastIndexOf(':') + 1);
  /** { message, left: envelopes not yet stored } and the envelopes waiting, each with its message */
  const waiting = [];
  let calls = 0;
  const pump = () => {
    while (waiting.length && calls < CALLS_A_QUEUE) {
      const batch = waiting.splice(0, 10);
      calls++;
      queues
        .send(name, batch.map((e) => e.body))
        .then(() => {
          for (const { of } of batch) if (--of.left === 0) channel.ack(of.message);
        })
        .catch(() => {
          // The queue's call failed: each message of it goes back whole, once (its other envelopes may come twice:
          // at least once); `left` below 0 marks it returned, so its envelopes in other calls neither ack nor nack it.
          for (const { of } of batch) {
            if (of.left <= 0) continue;
            of.left = -1;
            channel.nack(of.message, false, true);
          }
        })
        .finally(() => {
          calls--;
          pump();
        });
    }
  };
  return (message) => {
    if (!message) return;
    const signed = JSON.parse(message.content.toString('utf8'));
    const of = { message, left: signed.length };
    for (const s of signed) waiting.push({ body: envelope(origin, s, queueArn), of });
    pump();
  };
}

/** One persistent message for all of `messages` (a PublishBatch's entries), answered once RabbitMQ confirmed it. */
async function publishConfirmed(arn, messages) {
  const topic = topics.get(arn);
  const signed = await Promise.all(messages.map((m) => signedNotification(arn, m)));
  await new Promise((ok, fail) => publisher.publish(topic.exchange, '', Buffer.from(JSON.stringify(signed)), { persistent: true }, (err) => (err ? fail(err) : ok())));
  return signed;
}

const answerSns = snsAnswerer({
  async createTopic(arn) {
    if (topics.has(arn)) return;
    const exchange = `${prefix}${arn.slice(arn.lastIndexOf(':') + 1)}`;
    await publisher.assertExchange(exchange, 'fanout', { durable: true });
    topics.set(arn, { exchange, subscriptions: [] });
  },
  async subscribe(arn, queueArn, origin) {
    const topic = topics.get(arn);
    const queue = `${topic.exchange}.${topic.subscriptions.length}`;
    await publisher.assertQueue(queue, { durable: true });
    await publisher.bindQueue(queue, topic.exchange, '');
    const channel = await connection.createChannel();
    await channel.prefetch(PREFETCH);
    await channel.consume(queue, deliverer(channel, origin, queueArn));
    topic.subscriptions.push({ queue, channel });
    return `${arn}:${randomUUID()}`;
  },
  async deleteTopic(arn) {
    const topic = topics.get(arn);
    if (!topic) return;
    topics.delete(arn);
    for (const s of topic.subscriptions) {
      await s.channel.close();
      await publisher.deleteQueue(s.queue);
    }
    await publisher.deleteExchange(topic.exchange);
  },
  async publish(arn, message) {
    const [signed] = await publishConfirmed(arn, [message]);
    return signed.MessageId;
  },
  async publishBatch(arn, messages) {
    return (await publishConfirmed(arn, messages)).map((s) => s.MessageId);
  },
});
const answerSqs = sqsAnswerer(queues.operations);

serveWholeBodies(port, (req, body, res) => (req.headers['x-amz-target'] ? answerSqs(req, body, res) : answerSns(req, body, res)));
