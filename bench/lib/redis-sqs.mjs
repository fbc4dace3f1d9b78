// The SQS of bench/sqs/floor-server.mjs: the SDK's JSON calls the SQS rows make, from queues kept in Redis with
// the fewest commands a queue that survives a restart needs — one Lua script a call, on the Redis Wharf uses (so
// with its appendfsync always). What it leaves out is what bench/lib/bare-sqs.mjs leaves out (SigV4, limits,
// attributes, validation) and also what Wharf keeps per message beyond its body: receive counts, retention,
// deduplication, sequence numbers, attempt ids, dead-letter queues; a message in flight is never given again
// (no visibility timeout runs out). What it does keep: every message durably until deleted, FIFO order with a
// group locked while its messages are in flight, and the MD5 the SDK checks.
//
// Keys of a queue (one hash slot, as Wharf's): <prefix>{<name>}: then
//   m         hash  id → MD5 (32 hex digits) and body
//   q         list  ids of a standard queue not yet received
//   g:<group> list  ids of a FIFO group, received or not, in order
//   ready     list  FIFO groups with messages and none in flight
//   inflight  zset  received standard ids / FIFO groups, by the visibility deadline (never acted on)
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { NoQueue, sqsAnswerer } from './bare-sqs.mjs';

const SEND = `
local b, fifo, n = KEYS[1], ARGV[1] == '1', tonumber(ARGV[2])
local m, ids, groups, order = {}, {}, {}, {}
for i = 1, n do
  local id, body, g = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  m[2 * i - 1], m[2 * i] = id, body
  if fifo then
    if not groups[g] then groups[g] = {}; order[#order + 1] = g end
    local list = groups[g]
    list[#list + 1] = id
  else
    ids[i] = id
  end
end
redis.call('HSET', b .. 'm', unpack(m))
if not fifo then
  redis.call('RPUSH', b .. 'q', unpack(ids))
  return n
end
for _, g in ipairs(order) do
  local list = groups[g]
  -- the group was empty: it becomes receivable unless its messages are in flight
  if redis.call('RPUSH', b .. 'g:' .. g, unpack(list)) == #list and not redis.call('ZSCORE', b .. 'inflight', g) then
    redis.call('RPUSH', b .. 'ready', g)
  end
end
return n`;

const RECEIVE = `
local b, fifo, max, deadline = KEYS[1], ARGV[1] == '1', tonumber(ARGV[2]), ARGV[3]
local ids, group
if fifo then
  group = redis.call('LPOP', b .. 'ready')
  if not group then return {} end
  ids = redis.call('LRANGE', b .. 'g:' .. group, 0, max - 1)
  redis.call('ZADD', b .. 'inflight', deadline, group)
else
  ids = redis.call('LPOP', b .. 'q', max)
  if not ids then return {} end
  local z = {}
  for i, id in ipairs(ids) do z[2 * i - 1], z[2 * i] = deadline, id end
  redis.call('ZADD', b .. 'inflight', unpack(z))
  group = ''
end
return { group, ids, redis.call('HMGET', b .. 'm', unpack(ids)) }`;

// FIFO: the ids are the head of their group's list (a receive takes a group's first messages, and the bench
// deletes all it received).
const DELETE = `
local b, fifo, group = KEYS[1], ARGV[1] == '1', ARGV[2]
local ids = {}
for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end
redis.call('HDEL', b .. 'm', unpack(ids))
if not fifo then
  redis.call('ZREM', b .. 'inflight', unpack(ids))
  return #ids
end
local g = b .. 'g:' .. group
redis.call('LPOP', g, #ids)
redis.call('ZREM', b .. 'inflight', group)
if redis.call('LLEN', g) > 0 then redis.call('RPUSH', b .. 'ready', group) end
return #ids`;

const ACCOUNT = '000000000000';
const md5 = (s) => createHash('md5').update(s).digest('hex');
const nameOf = (url) => url.slice(url.lastIndexOf('/') + 1);

/**
 * The queues on Redis: `operations` (the SQS calls, for sqsAnswerer) and `send(name, bodies)`, the same durable
 * send a SendMessageBatch makes, for a server that puts messages into its queues itself (bench/sns/floor-server.mjs).
 */
export function redisSqsQueues(url, prefix) {
  const redis = new Redis(url, { enableAutoPipelining: true });
  redis.defineCommand('floorSend', { numberOfKeys: 1, lua: SEND });
  redis.defineCommand('floorReceive', { numberOfKeys: 1, lua: RECEIVE });
  redis.defineCommand('floorDelete', { numberOfKeys: 1, lua: DELETE });
  /** name → fifo; the queues' keys are in Redis, this is what every call needs to know of them. */
  const queues = new Map();
  const base = (name) => `${prefix}{${name}}:`;
  const queueOf = (url) => {
    const fifo = queues.get(nameOf(url));
    if (fifo === undefined) throw new NoQueue(url);
    return { name: nameOf(url), fifo };
  };

  /** Stores `entries` ({ body, group }) in a queue, one script call; the ids and MD5s given. */
  async function store(name, fifo, entries) {
    const args = [fifo ? '1' : '0', entries.length];
    const stored = entries.map(({ body, group }) => {
      const id = randomUUID();
      const digest = md5(body);
      args.push(id, digest + body, group ?? '');
      return { id, digest };
    });
    await redis.floorSend(base(name), ...args);
    return stored;
  }

  const operations = {
    async GetQueueAttributes({ QueueUrl }) {
      return { Attributes: { QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${queueOf(QueueUrl).name}` } };
    },
    async CreateQueue({ QueueName, Attributes }, origin) {
      if (!queues.has(QueueName)) queues.set(QueueName, Attributes?.FifoQueue === 'true');
      return { QueueUrl: `${origin}/${ACCOUNT}/${QueueName}` };
    },
    // The rows delete every message first; what is left goes with the prefix when the bench stops the floor.
    async DeleteQueue({ QueueUrl }) {
      queues.delete(nameOf(QueueUrl));
      return {};
    },
    async SendMessageBatch({ QueueUrl, Entries }) {
      const q = queueOf(QueueUrl);
      const stored = await store(q.name, q.fifo, Entries.map((e) => ({ body: e.MessageBody, group: e.MessageGroupId })));
      return { Successful: stored.map((s, i) => ({ Id: Entries[i].Id, MessageId: s.id, MD5OfMessageBody: s.digest })), Failed: [] };
    },
    async ReceiveMessage({ QueueUrl, MaxNumberOfMessages = 1, VisibilityTimeout = 30 }) {
      const q = queueOf(QueueUrl);
      const r = await redis.floorReceive(base(q.name), q.fifo ? '1' : '0', MaxNumberOfMessages, Date.now() + VisibilityTimeout * 1000);
      if (!r.length) return { Messages: [] };
      const [group, ids, bodies] = r;
      return { Messages: ids.map((id, i) => ({ MessageId: id, ReceiptHandle: `${group} ${id}`, MD5OfBody: bodies[i].slice(0, 32), Body: bodies[i].slice(32) })) };
    },
    async DeleteMessageBatch({ QueueUrl, Entries }) {
      const q = queueOf(QueueUrl);
      const byGroup = new Map();
      for (const e of Entries) {
        const at = e.ReceiptHandle.indexOf(' ');
        const group = e.ReceiptHandle.slice(0, at);
        if (!byGroup.has(group)) byGroup.set(group, []);
        byGroup.get(group).push(e.ReceiptHandle.slice(at + 1));
      }
      await Promise.all([...byGroup].map(([group, ids]) => redis.floorDelete(base(q.name), q.fifo ? '1' : '0', group, ...ids)));
      return { Successful: Entries.map((e) => ({ Id: e.Id })), Failed: [] };
    },
  };

  return {
    operations,
    /** Into a standard queue this server made (by name), durably: one script call for all of `bodies`. */
    async send(name, bodies) {
      if (!queues.has(name)) throw new NoQueue(name);
      await store(name, queues.get(name), bodies.map((body) => ({ body })));
    },
  };
}

/** The SQS calls of bench/sqs/floor-server.mjs, from queues on Redis (url, key prefix). */
export const redisSqs = (url, prefix) => sqsAnswerer(redisSqsQueues(url, prefix).operations);
