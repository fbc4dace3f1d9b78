#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { awsTarget, describeError } from './aws';
import { kinesisDemo } from './demo/kinesis';
import { mqDemo } from './demo/mq';
import { defaultOptions, runDemo, VIAS, type DemoContext, type DemoOptions, type DemoRun, type Via } from './demo/run';
import { snsFifoDemo } from './demo/sns-fifo';
import { sqsFifoDemo } from './demo/sqs-fifo';
import { status } from './status';

const USAGE = `wharf — the Wharf command line

  wharf demo trucks --via kinesis|sqs-fifo|sns-fifo|mq [options]
      --trucks N         trucks (default 100)
      --positions N      positions per truck (default 50)
      --consumers N      consumers (sqs-fifo, mq; default 4) or pollers per subscriber queue (sns-fifo; default 2);
                         kinesis runs one consumer per shard
      --shards N         shards of a new stream (default 5)
      --subscribers N    SQS FIFO queues subscribed to the topic (sns-fifo; default 2)
      --interval MS      pause between rounds (one position of every truck), for watching it live (default 0)
      --idle-timeout S   consumers give up S seconds after production with nothing new (default 15)
      --timeout S        limit for the whole run (default 600)
      --run-id ID        tag of this run's positions (default: random)
      --cleanup          delete the stream/queues/topic/broker afterwards (default: keep and reuse them)
  wharf status           brokers, services and resources in one screen

  --endpoint URL         Wharf (or AWS) endpoint; default $AWS_ENDPOINT_URL, else http://localhost:4566
  Region and credentials come from the usual AWS variables (AWS_REGION, AWS_ACCESS_KEY_ID, …).

Exit status: 0 passed, 1 the verification found a violation or loss, 2 a usage or API error.`;

const TRANSPORTS: Record<Via, (ctx: DemoContext) => Promise<DemoRun>> = { kinesis: kinesisDemo, 'sqs-fifo': sqsFifoDemo, 'sns-fifo': snsFifoDemo, mq: mqDemo };

class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} wants a whole number ≥ ${min}, got "${value}"`);
  return n;
}

export async function main(argv: string[], out: (s: string) => void = (s) => console.log(s)): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        via: { type: 'string' }, trucks: { type: 'string' }, positions: { type: 'string' }, consumers: { type: 'string' },
        shards: { type: 'string' }, subscribers: { type: 'string' }, interval: { type: 'string' }, 'idle-timeout': { type: 'string' },
        timeout: { type: 'string' }, 'run-id': { type: 'string' }, cleanup: { type: 'boolean' }, endpoint: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help || positionals.length === 0) {
    out(USAGE);
    return v.help ? 0 : 2;
  }
  const target = awsTarget(v.endpoint);
  try {
    const command = positionals.join(' ');
    if (command === 'status') return (await status(target, out)) ? 0 : 1;
    if (command !== 'demo trucks') throw new UsageError(`unknown command "${command}"`);
    if (!VIAS.includes(v.via as Via)) throw new UsageError(`--via wants one of ${VIAS.join(', ')}${v.via ? `, got "${v.via}"` : ''}`);
    const d = defaultOptions(target);
    const via = v.via as Via;
    const o: DemoOptions = {
      ...d,
      via,
      trucks: positive('trucks', v.trucks, d.trucks),
      positions: positive('positions', v.positions, d.positions),
      consumers: positive('consumers', v.consumers, via === 'sns-fifo' ? 2 : d.consumers),
      shards: positive('shards', v.shards, d.shards),
      subscribers: positive('subscribers', v.subscribers, d.subscribers),
      intervalMs: positive('interval', v.interval, 0, 0),
      idleMs: positive('idle-timeout', v['idle-timeout'], d.idleMs / 1000) * 1000,
      timeoutMs: positive('timeout', v.timeout, d.timeoutMs / 1000) * 1000,
      runId: v['run-id'] ?? d.runId,
      cleanup: v.cleanup === true,
    };
    if (o.trucks > 1000) throw new UsageError('--trucks is at most 1000 (truck-000 … truck-999)');
    return (await runDemo(o, TRANSPORTS[via], out)) ? 0 : 1;
  } catch (err) {
    if (err instanceof UsageError) console.error(`${err.message}\n\n${USAGE}`);
    else console.error(`wharf: ${describeError(err)}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`wharf: ${describeError(err)}`);
      process.exit(2);
    },
  );
}
