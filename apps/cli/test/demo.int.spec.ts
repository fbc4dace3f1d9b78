import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runWharfCli as runWharf, startWharfStack, type CliRun, type WharfStack } from '@wharf/testing';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const MINUTES = 60_000;
// a loaded CI machine can stall a consumer for seconds: give up only after a minute without progress
const SLACK = ['--idle-timeout', '60'];

/** The verification table's summary rows (one per subscriber), keyed by column header. */
function summary(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => /^(subscriber +)?expected +received/.test(l));
  if (at < 0) throw new Error(`no verification table in:\n${stdout}`);
  const header = lines[at].trim().split(/ {2,}/);
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.trim()) break;
    const cells = line.trim().split(/ {2,}/);
    rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]])));
  }
  return rows;
}

/**
 * The BUILT `wharf` command against a whole Wharf (the BUILT edge in front of the four BUILT services, real
 * Redis, Kafka, RabbitMQ and ActiveMQ), as a user runs it: every --via passes with modest sizes, and a
 * position planted out of order in the stream or queue makes it fail.
 */
describe('wharf demo trucks / wharf status', () => {
  let stack: WharfStack;
  let last: CliRun | undefined;
  const wharf = async (...args: string[]) => (last = await runWharf(args, stack.edge.url));

  beforeAll(async () => {
    stack = await startWharfStack({ idPrefix: 'cli' });
  }, 3 * MINUTES);
  afterEach((ctx) => {
    if (ctx.task.result?.state === 'fail') {
      if (last) console.error(`--- wharf (exit ${last.code}) stdout:\n${last.stdout}\n--- stderr:\n${last.stderr.slice(-3000)}`);
      for (const app of stack?.apps ?? []) console.error(`--- ${app.name}:\n${app.output().slice(-2000)}`);
    }
  });
  afterAll(async () => stack?.stop(), 2 * MINUTES);

  it('--via kinesis: 20 trucks × 20 positions on 5 shards, each truck on one shard, in order', async () => {
    const r = await wharf('demo', 'trucks', '--via', 'kinesis', '--trucks', '20', '--positions', '20', ...SLACK);
    expect(r.code).toBe(0);
    expect(summary(r.stdout)).toEqual([{ expected: '400', received: '400', 'groups in order': '20/20', 'records/group': '20', 'order violations': '0', lost: '0', duplicated: '0', 'trucks on >1 shard': '0' }]);
    expect(r.stdout.match(/^shardId-\d+ /gm)).toHaveLength(5);
    expect(r.stdout).toMatch(/\nPASS/);
    expect(r.stderr).toMatch(/produced .*100% \| 400\/400/); // the bars, as plain lines (not a TTY)
  }, 5 * MINUTES);

  it('--via kinesis fails (exit 1) when a truck\'s position really arrives out of order', async () => {
    // a position of this run planted in the stream before the demo starts: truck-003's last position first
    const kinesis = new KinesisClient({ endpoint: stack.edge.url, region: 'us-east-1', credentials });
    const run = 'planted1';
    await kinesis.send(new PutRecordCommand({ StreamName: 'wharf-demo-trucks', PartitionKey: 'truck-003', Data: Buffer.from(JSON.stringify({ truck: 'truck-003', seq: 9, lat: 52, lon: 5, t: Date.now(), run })) }));
    kinesis.destroy();
    const r = await wharf('demo', 'trucks', '--via', 'kinesis', '--trucks', '10', '--positions', '10', '--run-id', run, ...SLACK);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('truck-003 seq 0: out of order, arrived after seq 9');
    // truck-003's seq 0..8 came after its planted seq 9, which then came again
    expect(summary(r.stdout)).toEqual([{ expected: '100', received: '101', 'groups in order': '9/10', 'records/group': '10-11', 'order violations': '9', lost: '0', duplicated: '1', 'trucks on >1 shard': '0' }]);
    expect(r.stdout).toMatch(/\nFAIL/);
  }, 5 * MINUTES);

  it('--via sqs-fifo: 20 trucks × 20 positions, 4 consumers, observations on the stream the console reads', async () => {
    const r = await wharf('demo', 'trucks', '--via', 'sqs-fifo', '--trucks', '20', '--positions', '20', '--run-id', 'sqsrun01', ...SLACK);
    expect(r.code).toBe(0);
    expect(summary(r.stdout)).toEqual([{ expected: '400', received: '400', 'groups in order': '20/20', 'records/group': '20', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' }]);
    expect(r.stdout.match(/^c\d /gm)?.length).toBeGreaterThanOrEqual(2); // the work was shared
    // one observation per consumed position, naming its consumer
    const kinesis = new KinesisClient({ endpoint: stack.edge.url, region: 'us-east-1', credentials });
    const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'wharf-demo-observations' }));
    const observations: { truck: string; seq: number; consumer: string; run: string }[] = [];
    for (const s of Shards) {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: 'wharf-demo-observations', ShardId: s.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      const { Records = [] } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
      for (const rec of Records) observations.push(JSON.parse(Buffer.from(rec.Data as Uint8Array).toString('utf8')));
    }
    kinesis.destroy();
    const mine = observations.filter((o) => o.run === 'sqsrun01');
    expect(new Set(mine.map((o) => `${o.truck}/${o.seq}`)).size).toBe(400);
    expect(mine.every((o) => /^c[0-3]$/.test(o.consumer))).toBe(true);
  }, 5 * MINUTES);

  it('--via sqs-fifo fails (exit 1) when a group\'s messages are out of order in the queue', async () => {
    const sqs = new SQSClient({ endpoint: stack.edge.url, region: 'us-east-1', credentials });
    const run = 'planted2';
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'wharf-demo-trucks.fifo' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageGroupId: 'truck-001', MessageDeduplicationId: `${run}-planted`, MessageBody: JSON.stringify({ truck: 'truck-001', seq: 4, lat: 52, lon: 5, t: Date.now(), run }) }));
    sqs.destroy();
    const r = await wharf('demo', 'trucks', '--via', 'sqs-fifo', '--trucks', '5', '--positions', '5', '--consumers', '2', '--run-id', run, ...SLACK);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('truck-001 seq 0: out of order, arrived after seq 4');
    expect(r.stdout).toContain('truck-001 seq 4: duplicated');
  }, 5 * MINUTES);

  it('--via sns-fifo: 20 trucks × 10 positions to 2 subscriber queues, each gets every position once, in order', async () => {
    const r = await wharf('demo', 'trucks', '--via', 'sns-fifo', '--trucks', '20', '--positions', '10', ...SLACK);
    expect(r.code).toBe(0);
    const row = { expected: '200', received: '200', 'groups in order': '20/20', 'records/group': '10', 'order violations': '0', lost: '0', duplicated: '0', 'group held by 2 at once': '0' };
    expect(summary(r.stdout)).toEqual([{ subscriber: 's1', ...row }, { subscriber: 's2', ...row }]);
  }, 5 * MINUTES);

  it('--via mq: an ActiveMQ broker, JMSXGroupID = truck: each truck on one consumer, in order; --cleanup deletes the broker', async () => {
    const r = await wharf('demo', 'trucks', '--via', 'mq', '--trucks', '10', '--positions', '10', '--consumers', '3', '--cleanup', ...SLACK);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/broker wharf-demo-trucks .*: created, deleted afterwards/);
    expect(summary(r.stdout)).toEqual([{ expected: '100', received: '100', 'groups in order': '10/10', 'records/group': '10', 'order violations': '0', lost: '0', duplicated: '0', 'trucks on >1 consumer': '0' }]);
  }, 8 * MINUTES);

  it('status: brokers, services and the demo\'s resources in one screen', async () => {
    const r = await wharf('status');
    // every broker and service has a row; on a loaded machine a health check may time out, and then the
    // exit status says so (1), as it must
    for (const broker of ['kafka', 'rabbitmq', 'redis']) expect(r.stdout).toMatch(new RegExp(`^  ${broker} +(up|down)`, 'm'));
    for (const svc of ['sqs', 'sns', 'kinesis', 'mq']) expect(r.stdout).toMatch(new RegExp(`^  ${svc} +(up|degraded|down) +http`, 'm'));
    expect(r.code).toBe(/^ {2}\S+ +(down|degraded)/m.test(r.stdout) ? 1 : 0);
    expect(r.stdout).toMatch(/^ {2}wharf-demo-trucks +ACTIVE +PROVISIONED +5 /m);
    expect(r.stdout).toMatch(/^ {2}wharf-demo-trucks\.fifo +\d+/m);
    expect(r.stdout).toMatch(/^ {2}wharf-demo-trucks-s1\.fifo/m);
  }, 2 * MINUTES);

  it('usage and API errors are messages with exit 2, not stack traces', async () => {
    const usage = await wharf('demo', 'trucks', '--via', 'carrier-pigeon');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--via wants one of kinesis, sqs-fifo, sns-fifo, mq, got "carrier-pigeon"');
    const down = await runWharf(['demo', 'trucks', '--via', 'kinesis', '--endpoint', 'http://127.0.0.1:9'], stack.edge.url);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^wharf: connection refused/m);
    expect(down.stderr).not.toMatch(/\bat \S+ \(/); // no stack trace
  }, 2 * MINUTES);
});
