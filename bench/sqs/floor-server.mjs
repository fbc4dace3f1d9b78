#!/usr/bin/env node
// The floor of an SQS server on Redis for the bench's SQS rows: Node's http server answering the SDK's JSON calls
// from queues kept durably in Redis with one short Lua script a call (bench/lib/redis-sqs.mjs says what it keeps
// and what it leaves out). bench/run.mjs runs the SQS rows against it beside Wharf, on Wharf's Redis: its CPU a
// message, with Redis's, is a floor under any SQS server that keeps its messages in Redis here.
//
//   node bench/sqs/floor-server.mjs <port> <redis url> <key prefix>
import { serveWholeBodies } from '../lib/bare-http.mjs';
import { redisSqs } from '../lib/redis-sqs.mjs';

const [port, url, prefix] = process.argv.slice(2);
serveWholeBodies(port, redisSqs(url, prefix));
