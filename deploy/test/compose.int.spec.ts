// `docker compose up` proved (issue 10): the composed stack comes up healthy, the seed's scenarios pass
// through its single endpoint (the edge), the active ActiveMQ of a pair is `docker kill`ed mid-stream
// without losing a receipted message, and everything survives `down` + `up`; then the same data through the
// profile "one" (every app in one container and process). Ends with `down -v`.
// Run by tools/containers/ci.sh (podman engine, images built here, CI's variables from tools/containers/ci.env).
import { DescribeBrokerCommand, ListBrokersCommand, MqClient, CreateBrokerCommand, type DescribeBrokerResponse } from '@aws-sdk/client-mq';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { counterTotals, uniqueId } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StompTcp, type StompFrame } from '../../apps/mq/test/stomp-tcp';
import { ROUNDS, TRUCKS, clients, consumeFifo, createQueue, createTopic, createTruckStream, drain, publish, putTruckPositions, readTruckStream, sendTruckMessages, subscribeQueue } from './scenarios';
import { compose, containerOf, docker, waitHealthy } from './stack';

const SERVICES = ['redis', 'kafka', 'rabbitmq', 'activemq-auth-init', 'activemq-a', 'activemq-b', 'sqs', 'sns', 'kinesis', 'mq', 'edge'];
const HEALTHY_MS = 420_000;
const port = (name: string, fallback: number) => Number(process.env[`WHARF_PORT_${name}`] ?? fallback);
const endpoint = `http://localhost:${port('EDGE', 4566)}`;
const STOMP = { 'activemq-a': port('ACTIVEMQ_A_STOMP', 61613), 'activemq-b': port('ACTIVEMQ_B_STOMP', 61623) } as const;
const PASSWORD = 'Wharf-compose-pass-1';
const id = uniqueId('c');
const c = clients(endpoint);
const mq = new MqClient(c.config);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// what the scenarios leave behind, checked again after down/up
const kept = { stream: `trucks-${id}`, fifo: `trucks-${id}.fifo`, queue: `kept-${id}`, topic: `fan-${id}`, fifoTopic: `fan-${id}.fifo`, brokerId: '', mqQueue: `/queue/kept.${id}` };

async function waitBroker(brokerId: string, state: string, timeoutMs = 120_000): Promise<DescribeBrokerResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await mq.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    if (d.BrokerState === state) return d;
    if (Date.now() > deadline) throw new Error(`broker ${brokerId} is ${d.BrokerState}, not ${state}, after ${timeoutMs} ms`);
    await sleep(500);
  }
}

/** The pair member whose STOMP port serves (the standby opens none). */
async function activeBroker(timeoutMs: number): Promise<keyof typeof STOMP> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const name of Object.keys(STOMP) as (keyof typeof STOMP)[]) {
      const s = await StompTcp.open('127.0.0.1', STOMP[name], 'app', PASSWORD, 2000).catch(() => undefined);
      if (s) { await s.close(); return name; }
    }
    if (Date.now() > deadline) throw new Error(`no ActiveMQ of the pair serves STOMP within ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function receiveAll(port: number, destination: string, idleMs = 3000): Promise<string[]> {
  const s = await StompTcp.open('127.0.0.1', port, 'app', PASSWORD);
  const bodies: string[] = [];
  let last = Date.now();
  s.onMessage = (f: StompFrame) => { bodies.push(f.body); last = Date.now(); };
  await s.subscribeSync(destination, 'all');
  while (Date.now() - last < idleMs) await sleep(200);
  await s.close();
  return bodies;
}

describe.sequential('docker compose up: the stack users run', () => {
  beforeAll(async () => {
    if (!process.env.DOCKER_HOST) throw new Error('DOCKER_HOST is not set: run through tools/containers/ci.sh (it starts the podman engine)');
    if (!process.env.WHARF_COMPOSE_REUSE) await compose(['--profile', 'one', 'down', '-v', '--remove-orphans'], 180_000); // a previous run's leftovers
    await compose(['up', '-d', '--no-build'], HEALTHY_MS);
    await waitHealthy(SERVICES, HEALTHY_MS);
  }, HEALTHY_MS * 2);

  afterAll(async () => {
    if (!process.env.WHARF_COMPOSE_KEEP) await compose(['--profile', 'one', 'down', '-v', '--remove-orphans'], 180_000);
  }, 200_000);

  it('Kinesis: 100 trucks on a 5-shard stream, each truck read in order from one shard', async () => {
    await createTruckStream(c, kept.stream);
    await putTruckPositions(c, kept.stream);
    const { rounds, shards, shardCount } = await readTruckStream(c, kept.stream);
    expect(shardCount).toBe(5);
    expect(rounds.size).toBe(TRUCKS);
    for (const [truck, seen] of rounds) {
      expect(seen, `truck ${truck}`).toEqual([...Array(ROUNDS).keys()]);
      expect(shards.get(truck)?.size, `truck ${truck} shards`).toBe(1);
    }
    expect(new Set([...shards.values()].map((s) => [...s][0])).size).toBeGreaterThan(1); // spread over shards
  }, 240_000);

  it('SQS FIFO: 100 trucks as 100 groups, 4 consumers, each group in order and never held by two', async () => {
    const q = await createQueue(c, kept.fifo);
    await sendTruckMessages(c, q.url);
    const { order, overlaps, received } = await consumeFifo(c, q.url, 4, TRUCKS * ROUNDS);
    expect(received).toBe(TRUCKS * ROUNDS);
    expect(overlaps).toEqual([]);
    expect(order.size).toBe(TRUCKS);
    for (const [group, seen] of order) expect(seen, group).toEqual([...Array(ROUNDS).keys()]);
    // a standard queue with messages left in it, for the down/up check
    const kq = await createQueue(c, kept.queue);
    await c.sqs.send(new SendMessageBatchCommand({ QueueUrl: kq.url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `k${i}`, MessageBody: `kept ${i}` })) }));
  }, 300_000);

  it('SNS: a topic fans out to three SQS queues; a FIFO topic delivers to a FIFO queue in order', async () => {
    const topic = await createTopic(c, kept.topic);
    const queues = await Promise.all([1, 2, 3].map((n) => createQueue(c, `fan-${id}-${n}`)));
    for (const q of queues) await subscribeQueue(c, topic, q.arn);
    const bodies = Array.from({ length: 30 }, (_, i) => `parcel ${i}`);
    await publish(c, topic, bodies);
    for (const q of queues) expect((await drain(c, q.url, bodies.length)).sort()).toEqual([...bodies].sort());

    const fifoTopic = await createTopic(c, kept.fifoTopic);
    const fq = await createQueue(c, `fan-${id}-in.fifo`);
    await subscribeQueue(c, fifoTopic, fq.arn);
    const ordered = Array.from({ length: 30 }, (_, i) => `step ${i}`);
    await publish(c, fifoTopic, ordered, 'truck-7');
    expect(await drain(c, fq.url, ordered.length)).toEqual(ordered);
  }, 240_000);

  it('MQ: ACTIVEMQ ACTIVE_STANDBY_MULTI_AZ; the active container is docker-killed mid-stream; nothing receipted is lost', async () => {
    const created = await mq.send(new CreateBrokerCommand({
      BrokerName: `pair-${id}`, EngineType: 'ACTIVEMQ', DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ', HostInstanceType: 'mq.m5.large',
      PubliclyAccessible: false, AutoMinorVersionUpgrade: true, Users: [{ Username: 'app', Password: PASSWORD }],
    }));
    kept.brokerId = created.BrokerId ?? '';
    const d = await waitBroker(kept.brokerId, 'RUNNING');
    expect(d.BrokerInstances).toHaveLength(2);
    const first = await activeBroker(30_000);
    const standby = first === 'activemq-a' ? 'activemq-b' : 'activemq-a';
    const victim = await containerOf(first);
    const destination = `/queue/trucks.${id}`;
    const receipted: string[] = [];
    let session = await StompTcp.open('127.0.0.1', STOMP[first], 'app', PASSWORD);
    let killed: Promise<string> | undefined;
    const t0 = Date.now();
    let takeoverMs = 0;
    for (let i = 0; i < 300; i++) {
      const body = `position ${i}`;
      for (;;) {
        try {
          // resolves on the broker's RECEIPT; a killed container may leave the connection silent, not closed
          await withTimeout(session.send(destination, body, { persistent: 'true' }), 5000);
          receipted.push(body);
          break;
        } catch {
          // the active one died: the standby takes the lock and opens its ports; resend the unreceipted message
          session.destroy();
          const down = Date.now();
          session = await reconnect(STOMP[standby], 60_000);
          takeoverMs = Date.now() - down;
        }
      }
      // the kill lands while sends are in flight; from send 150 on it has landed, so the stream must fail over
      // (a fast machine can finish all 300 sends before an un-awaited kill takes effect)
      if (i === 100) killed = docker(['kill', victim]);
      if (i === 150) await killed;
    }
    await session.close();
    expect(takeoverMs, 'a takeover happened').toBeGreaterThan(0);
    console.log(`[compose] 300 receipted STOMP sends in ${Date.now() - t0} ms; takeover after docker kill: ${takeoverMs} ms`);
    const got = new Set(await receiveAll(STOMP[standby], destination));
    expect(receipted.filter((b) => !got.has(b))).toEqual([]); // duplicates allowed, losses not
    // the killed container comes back (restart policy or a new start) as the standby
    await docker(['start', victim]).catch(() => undefined);
    await waitHealthy(SERVICES, 180_000);
    // a few persistent messages left on the broker for the down/up check
    const s = await StompTcp.open('127.0.0.1', STOMP[standby], 'app', PASSWORD);
    for (let i = 0; i < 5; i++) await s.send(kept.mqQueue, `kept ${i}`, { persistent: 'true' });
    await s.close();
  }, 300_000);

  it('down (volumes kept) and up again: queues and messages, streams and records, topics and subscriptions, brokers are still there', async () => {
    await compose(['down'], 180_000);
    await compose(['up', '-d', '--no-build'], HEALTHY_MS);
    await waitHealthy(SERVICES, HEALTHY_MS);

    const stream = await c.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: kept.stream }));
    expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 5 });
    const { rounds } = await readTruckStream(c, kept.stream);
    expect(rounds.size).toBe(TRUCKS);
    for (const seen of rounds.values()) expect(seen).toEqual([...Array(ROUNDS).keys()]);

    await c.sqs.send(new GetQueueUrlCommand({ QueueName: kept.fifo }));
    const { QueueUrl } = await c.sqs.send(new GetQueueUrlCommand({ QueueName: kept.queue }));
    expect((await drain(c, QueueUrl ?? '', 10)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `kept ${i}`));

    const topics = await Promise.all([kept.topic, kept.fifoTopic].map((n) => createTopic(c, n))); // idempotent: the same ARN
    const subs = await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topics[0] }));
    expect(subs.Subscriptions).toHaveLength(3);
    const fq = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: `fan-${id}-1` }))).QueueUrl ?? '';
    await publish(c, topics[0], ['after restart']);
    expect(await drain(c, fq, 1)).toEqual(['after restart']);

    const { BrokerSummaries = [] } = await mq.send(new ListBrokersCommand({ MaxResults: 100 }));
    expect(BrokerSummaries.map((b) => b.BrokerId)).toContain(kept.brokerId);
    await waitBroker(kept.brokerId, 'RUNNING');
    const active = await activeBroker(60_000);
    expect(await receiveAll(STOMP[active], kept.mqQueue)).toEqual(Array.from({ length: 5 }, (_, i) => `kept ${i}`));
  }, HEALTHY_MS * 2);

  it('one process (compose --profile one, wharf/one): the same data through one container, the edge answering in process', async () => {
    // it hands out the same ActiveMQ pair as mq: the five app containers make way for it
    await compose(['stop', 'edge', 'sns', 'sqs', 'kinesis', 'mq'], 180_000);
    await compose(['--profile', 'one', 'up', '-d', '--no-build', 'wharf'], HEALTHY_MS);
    await waitHealthy(['wharf'], HEALTHY_MS);
    const oneEndpoint = `http://localhost:${port('ONE', 4586)}`;
    const one = clients(oneEndpoint);
    const edgeCounts = async () =>
      counterTotals(await (await fetch(`${oneEndpoint}/metrics`)).text(), 'wharf_edge_requests_total', ['service', 'outcome']);

    const { rounds } = await readTruckStream(one, kept.stream);
    expect(rounds.size).toBe(TRUCKS);
    for (const seen of rounds.values()) expect(seen).toEqual([...Array(ROUNDS).keys()]);

    const { QueueUrl = '' } = await one.sqs.send(new GetQueueUrlCommand({ QueueName: kept.queue }));
    expect(QueueUrl.startsWith(`${oneEndpoint}/`), QueueUrl).toBe(true); // queue URLs name the one container's edge
    await one.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [{ Id: 'a', MessageBody: 'one a' }, { Id: 'b', MessageBody: 'one b' }] }));
    expect((await drain(one, QueueUrl, 2)).sort()).toEqual(['one a', 'one b']);

    // SNS fans out to the three kept queues through the SQS in the same process (queues 2 and 3 still hold the
    // message published after the restart above; only queue 1 was drained of it)
    const topic = await createTopic(one, kept.topic);
    await publish(one, topic, ['one process']);
    for (const n of [1, 2, 3]) {
      const q = (await one.sqs.send(new GetQueueUrlCommand({ QueueName: `fan-${id}-${n}` }))).QueueUrl ?? '';
      expect((await drain(one, q, n === 1 ? 1 : 2)).sort(), `fan-${id}-${n}`).toEqual(n === 1 ? ['one process'] : ['after restart', 'one process']);
    }
    const snsMetrics = await docker(['exec', await containerOf('wharf'), 'node', '-e',
      "fetch('http://127.0.0.1:9911/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))"]);
    expect(counterTotals(snsMetrics, 'wharf_sns_sqs_calls_total', ['way']).get('in-process') ?? 0, 'SNS reached SQS in process').toBeGreaterThanOrEqual(3);

    const { BrokerSummaries = [] } = await new MqClient(one.config).send(new ListBrokersCommand({ MaxResults: 100 }));
    expect(BrokerSummaries.map((b) => b.BrokerId)).toContain(kept.brokerId);

    const counts = await edgeCounts();
    for (const svc of ['kinesis', 'sqs', 'sns']) expect(counts.get(`${svc} in-process`) ?? 0, `${svc} answered in process`).toBeGreaterThan(0);
    expect(counts.get('mq proxied') ?? 0, 'the MQ REST API is proxied to its port in the container').toBeGreaterThan(0);
  }, HEALTHY_MS * 2);
});

async function reconnect(port: number, timeoutMs: number): Promise<StompTcp> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await StompTcp.open('127.0.0.1', port, 'app', PASSWORD, 2000);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the standby did not take over within ${timeoutMs} ms: ${(err as Error).message}`);
      await sleep(100);
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(timer));
}
