#!/usr/bin/env node
// The in-memory floor of SNS fan-out to SQS for the bench's SNS rows: one Node http server answering, like the
// edge, both the SNS Query calls the rows make (bench/lib/bare-sns.mjs) and the SQS JSON calls
// (bench/lib/bare-sqs.mjs). A publish puts one signed Notification envelope into each subscribed queue's memory;
// no broker, no durability. bench/run.mjs runs the SNS rows against it beside Wharf.
//
//   node bench/sns/bare-server.mjs <port>
import { randomUUID } from 'node:crypto';
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { envelope, signedNotification, snsAnswerer } from '../lib/bare-sns.mjs';
import { answerSqs, enqueue } from '../lib/bare-sqs.mjs';

/** topic ARN → subscribed queue ARNs */
const topics = new Map();

const answerSns = snsAnswerer({
  createTopic(arn) {
    if (!topics.has(arn)) topics.set(arn, []);
  },
  subscribe(arn, queueArn) {
    topics.get(arn).push(queueArn);
    return `${arn}:${randomUUID()}`;
  },
  deleteTopic(arn) {
    topics.delete(arn);
  },
  async publish(arn, message, origin) {
    const signed = await signedNotification(arn, message);
    for (const queueArn of topics.get(arn) ?? []) enqueue(queueArn, envelope(origin, signed, queueArn));
    return signed.MessageId;
  },
});

serveWholeBodies(process.argv[2], (req, body, res) => (req.headers['x-amz-target'] ? answerSqs(req, body, res) : answerSns(req, body, res)));
