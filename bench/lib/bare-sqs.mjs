// The in-memory SQS of the bench's bare servers (bench/sqs/bare-server.mjs, bench/sns/bare-server.mjs): the SDK's
// JSON calls the SQS and SNS rows make, from queues in this process's memory — no broker, no durability, no
// SigV4, no limits, no attributes, no visibility timeout (a received message is never given again), no
// validation beyond what the rows send. What it does do is what any server must for these calls: parse each
// request, MD5 each body (the SDK checks it), keep FIFO order (a group with messages in flight is not given to
// another receive) and write the SDK's JSON answers.
import { createHash, randomUUID } from 'node:crypto';

/** name → { fifo, messages: [{ id, body, md5, group, taken }], head, inFlight: Map<group, count> } */
const queues = new Map();
const ACCOUNT = '000000000000';
const md5 = (s) => createHash('md5').update(s).digest('hex');
/** A call on a queue that is not there (a long poll still waiting when its queue was deleted). */
export class NoQueue extends Error {}
function queueOf(url) {
  const q = queues.get(url.slice(url.lastIndexOf('/') + 1));
  if (!q) throw new NoQueue(url);
  return q;
}
const SCAN = 2_000; // how far past the head a FIFO receive looks for a group not in flight

const operations = {
  GetQueueAttributes({ QueueUrl }) {
    queueOf(QueueUrl);
    const name = QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1);
    return { Attributes: { QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${name}` } };
  },
  CreateQueue({ QueueName, Attributes }, origin) {
    if (!queues.has(QueueName)) queues.set(QueueName, { fifo: Attributes?.FifoQueue === 'true', messages: [], head: 0, inFlight: new Map() });
    return { QueueUrl: `${origin}/${ACCOUNT}/${QueueName}` };
  },
  DeleteQueue({ QueueUrl }) {
    queues.delete(QueueUrl.slice(QueueUrl.lastIndexOf('/') + 1));
    return {};
  },
  SendMessageBatch({ QueueUrl, Entries }) {
    const q = queueOf(QueueUrl);
    const Successful = Entries.map((e) => {
      const m = { id: randomUUID(), body: e.MessageBody, md5: md5(e.MessageBody), group: e.MessageGroupId, taken: false };
      q.messages.push(m);
      return { Id: e.Id, MessageId: m.id, MD5OfMessageBody: m.md5 };
    });
    return { Successful, Failed: [] };
  },
  ReceiveMessage({ QueueUrl, MaxNumberOfMessages = 1 }) {
    const q = queueOf(QueueUrl);
    const Messages = [];
    const mine = new Set(); // FIFO: groups this receive took, which it may take more of, in order
    while (q.head < q.messages.length && q.messages[q.head].taken) q.head++;
    for (let i = q.head; i < q.messages.length && i < q.head + SCAN && Messages.length < MaxNumberOfMessages; i++) {
      const m = q.messages[i];
      if (m.taken) continue;
      if (q.fifo) {
        if (q.inFlight.get(m.group) && !mine.has(m.group)) continue;
        mine.add(m.group);
        q.inFlight.set(m.group, (q.inFlight.get(m.group) ?? 0) + 1);
      }
      m.taken = true;
      Messages.push({ MessageId: m.id, ReceiptHandle: String(i), MD5OfBody: m.md5, Body: m.body });
    }
    return { Messages };
  },
  DeleteMessageBatch({ QueueUrl, Entries }) {
    const q = queueOf(QueueUrl);
    for (const e of Entries) {
      const m = q.messages[Number(e.ReceiptHandle)];
      if (q.fifo && m.body !== undefined) q.inFlight.set(m.group, q.inFlight.get(m.group) - 1);
      m.body = undefined; // the message's memory goes; its slot keeps the indexes of the others
    }
    return { Successful: Entries.map((e) => ({ Id: e.Id })), Failed: [] };
  },
};

/** Adds one message to a standard queue, as a delivery from SNS (the queue named by its ARN's last part). */
export function enqueue(queueArn, body) {
  const q = queues.get(queueArn.slice(queueArn.lastIndexOf(':') + 1));
  q?.messages.push({ id: randomUUID(), body, md5: md5(body), group: undefined, taken: false });
}

/** Answers one SQS JSON call (X-Amz-Target AmazonSQS.<op>) with its whole body, from the queues above. */
export const answerSqs = sqsAnswerer(operations);

/**
 * The HTTP side of a bare SQS: answers each call (X-Amz-Target AmazonSQS.<op>) with its whole body from
 * `operations` (name → (input, origin) → output, or a promise of it; NoQueue for a queue that is not there). A
 * long poll with nothing to give asks again in short steps until something comes, the caller leaves, or its time
 * is up.
 */
export function sqsAnswerer(operations) {
  async function answer(op, input, origin, req) {
    const waitUntil = Date.now() + (input.WaitTimeSeconds ?? 0) * 1000;
    for (;;) {
      const out = await operations[op](input, origin);
      if (op !== 'ReceiveMessage' || out.Messages.length || Date.now() >= waitUntil || req.destroyed) return out;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return async (req, body, res) => {
    const op = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    if (!operations[op]) return void res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ __type: 'UnsupportedOperation', message: op }));
    let status = 200;
    let out;
    try {
      out = await answer(op, JSON.parse(body.toString('utf8') || '{}'), `http://${req.headers.host}`, req);
    } catch (err) {
      if (!(err instanceof NoQueue)) throw err;
      [status, out] = [400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' }];
    }
    const text = JSON.stringify(out);
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
    res.end(text);
  };
}
