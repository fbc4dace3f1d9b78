import {
  CreateBrokerCommand,
  DeleteBrokerCommand,
  DescribeBrokerCommand,
  ListBrokersCommand,
  MqClient,
  type DescribeBrokerResponse,
} from '@aws-sdk/client-mq';
import { isIP } from 'node:net';
import rhea, { type Connection, type EventContext, type Sender } from 'rhea';
import { clientConfig, sleep } from '../aws';
import { decodePosition, encodePosition, positionOf } from '../fleet';
import type { DemoContext, DemoRun } from './run';
import type { Tracker } from './tracker';

export const DEMO_BROKER = 'wharf-demo-trucks';
export const DEMO_QUEUE = 'wharf-demo-trucks';
// The demo's broker user (Amazon MQ's rules: 12+ characters, no commas, colons or equals signs).
export const DEMO_USER = 'wharf-demo';
export const DEMO_PASSWORD = process.env.WHARF_DEMO_MQ_PASSWORD ?? 'wharf-demo-trucks-1';

/**
 * Trucks on Amazon MQ (ActiveMQ): the broker `wharf-demo-trucks` is created once and REUSED by later runs
 * (`--cleanup` deletes it). Positions go over AMQP 1.0 with group-id = truck id, which ActiveMQ maps to
 * JMSXGroupID: each truck sticks to one of `--consumers` consumers and arrives in order.
 */
export async function mqDemo(ctx: DemoContext): Promise<DemoRun> {
  const { o, trucks } = ctx;
  const mq = new MqClient(clientConfig(o.target));
  const connections: Connection[] = [];
  try {
    const { broker, created } = await ensureBroker(mq, (l) => ctx.progress.log(l));
    const endpoint = amqpEndpoint(broker);
    const notes = [
      `broker ${DEMO_BROKER} (${broker.BrokerId}, ActiveMQ ${broker.EngineVersion}): ${created ? 'created' : 'reused'}, ${o.cleanup ? 'deleted afterwards (--cleanup)' : 'kept for the next run'}`,
      `queue ${DEMO_QUEUE} over AMQP 1.0 (${endpoint.protocol}//${endpoint.host}), group-id = truck (JMSXGroupID), ${o.consumers} consumers`,
    ];
    const tracker = ctx.tracker(['']);
    // every consumer subscribes before the first message, so ActiveMQ spreads the groups over all of them
    for (let c = 0; c < o.consumers; c++) {
      const conn = await amqpConnect(endpoint);
      connections.push(conn);
      await openConsumer(conn, `c${c}`, o.runId, tracker);
    }
    const producer = await amqpConnect(endpoint);
    connections.push(producer);
    const bar = ctx.produced();
    const started = Date.now();
    const send = await openProducer(producer, (n) => bar.add(n));
    for (let seq = 0; seq < o.positions; seq++) {
      const now = Date.now();
      await send(trucks.map((truck, i) => ({ body: encodePosition(positionOf(i, seq, o.runId, now)), group_id: truck, durable: true })));
      if (o.intervalMs) await sleep(o.intervalMs);
    }
    const produced = { count: trucks.length * o.positions, ms: Date.now() - started };
    bar.done();
    tracker.producerDone();
    while (!tracker.finished) await sleep(50);
    if (o.cleanup) await mq.send(new DeleteBrokerCommand({ BrokerId: broker.BrokerId }));
    return { rules: { oneCarrierPerTruck: true, exclusiveGroups: false, duplicatesFail: true }, carrierLabel: 'consumer', subscribers: [''], tracker, produced, notes };
  } finally {
    for (const c of connections) c.close();
    mq.destroy();
  }
}

async function ensureBroker(mq: MqClient, log: (line: string) => void): Promise<{ broker: DescribeBrokerResponse; created: boolean }> {
  let brokerId: string | undefined;
  let NextToken: string | undefined;
  do {
    const page = await mq.send(new ListBrokersCommand({ MaxResults: 100, NextToken }));
    const found = page.BrokerSummaries?.find((b) => b.BrokerName === DEMO_BROKER && b.BrokerState !== 'DELETION_IN_PROGRESS');
    if (found?.BrokerState === 'CREATION_FAILED') {
      // an earlier run's broker that never came up: start over rather than fail every run from now on
      log(`broker ${DEMO_BROKER} (${found.BrokerId}) is CREATION_FAILED: deleting it and creating a new one`);
      await mq.send(new DeleteBrokerCommand({ BrokerId: found.BrokerId }));
    } else brokerId ??= found?.BrokerId;
    NextToken = page.NextToken;
  } while (NextToken && !brokerId);
  let created = false;
  if (!brokerId) {
    log(`creating ActiveMQ broker ${DEMO_BROKER} (user ${DEMO_USER})…`);
    const res = await mq.send(
      new CreateBrokerCommand({
        BrokerName: DEMO_BROKER, EngineType: 'ACTIVEMQ', DeploymentMode: 'SINGLE_INSTANCE', HostInstanceType: 'mq.m5.large',
        PubliclyAccessible: false, AutoMinorVersionUpgrade: true,
        Users: [{ Username: DEMO_USER, Password: DEMO_PASSWORD, Groups: ['admins'], ConsoleAccess: true }],
      }),
    );
    brokerId = res.BrokerId as string;
    created = true;
  }
  const deadline = Date.now() + 180_000;
  for (;;) {
    const broker = await mq.send(new DescribeBrokerCommand({ BrokerId: brokerId }));
    if (broker.BrokerState === 'RUNNING') return { broker, created };
    if (broker.BrokerState === 'CREATION_FAILED') throw new Error(`broker ${DEMO_BROKER} (${brokerId}) failed to start: ${JSON.stringify(broker.ActionsRequired ?? [])}`);
    if (Date.now() > deadline) throw new Error(`broker ${DEMO_BROKER} (${brokerId}) not RUNNING after 180 s (state ${broker.BrokerState})`);
    await sleep(500);
  }
}

function amqpEndpoint(broker: DescribeBrokerResponse): URL {
  const endpoints = broker.BrokerInstances?.[0]?.Endpoints ?? [];
  const e = endpoints.find((x) => x.startsWith('amqp://')) ?? endpoints.find((x) => x.startsWith('amqp+ssl://'));
  if (!e) throw new Error(`broker ${DEMO_BROKER} lists no AMQP endpoint (${endpoints.join(', ')})`);
  return new URL(e);
}

function amqpConnect(url: URL): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const common = { host: url.hostname, port: Number(url.port), username: DEMO_USER, password: DEMO_PASSWORD, reconnect: false, idle_time_out: 0 };
    const container = rhea.create_container();
    // amqp+ssl (what Amazon MQ lists, Wharf too by default): Node's own trust store, plus NODE_EXTRA_CA_CERTS.
    // No SNI for an IP address (RFC 6066; rhea would send the host): the certificate is still checked against it.
    const conn = url.protocol === 'amqp+ssl:' ? container.connect({ ...common, transport: 'tls', servername: isIP(url.hostname) ? '' : url.hostname }) : container.connect(common);
    const fail = (ctx: EventContext) => {
      const why = String(ctx.error ?? ctx.connection.error ?? 'disconnected');
      const hint = /certificate/i.test(why) ? ` — trust the broker's CA, for Wharf's local one: NODE_EXTRA_CA_CERTS=<wharf>/.data/tls/ca.crt` : '';
      reject(new Error(`AMQP connection to ${url.protocol}//${url.host} failed: ${why}${hint}`));
    };
    conn.once('connection_open', () => resolve(conn));
    conn.once('connection_error', fail);
    conn.once('disconnected', fail);
    conn.on('error', () => undefined);
  });
}

function openConsumer(conn: Connection, name: string, runId: string, tracker: Tracker): Promise<void> {
  return new Promise((resolve, reject) => {
    const receiver = conn.open_receiver({ source: { address: DEMO_QUEUE }, credit_window: 20, autoaccept: true });
    receiver.once('receiver_open', () => resolve());
    receiver.once('receiver_error', (ctx: EventContext) => reject(new Error(`consumer ${name}: ${String(ctx.receiver?.error)}`)));
    receiver.on('message', (ctx: EventContext) => {
      const body = ctx.message?.body as unknown;
      const p = decodePosition(typeof body === 'string' ? body : Buffer.isBuffer(body) ? body : (body as { content?: Buffer })?.content);
      if (p?.run === runId) tracker.saw({ truck: p.truck, seq: p.seq, carrier: name, subscriber: '', receivedAt: Date.now() });
    });
  });
}

type Outgoing = { body: string; group_id: string; durable: boolean };

/** A sender that resolves each batch once the broker accepted every message of it (persistent, in order on one link). */
function openProducer(conn: Connection, onAccepted: (n: number) => void): Promise<(batch: Outgoing[]) => Promise<void>> {
  return new Promise((resolve, reject) => {
    const sender: Sender = conn.open_sender({ target: { address: DEMO_QUEUE } });
    let accepted = 0;
    let sent = 0;
    let waiting: { until: number; done: () => void; fail: (e: Error) => void } | undefined;
    let queue: Outgoing[] = [];
    const pump = () => {
      while (queue.length && sender.sendable()) {
        sender.send(queue.shift() as Outgoing);
        sent++;
      }
    };
    sender.on('sendable', pump);
    sender.on('accepted', () => {
      accepted++;
      onAccepted(1);
      if (waiting && accepted >= waiting.until) waiting.done();
    });
    sender.on('rejected', (ctx: EventContext) => waiting?.fail(new Error(`the broker rejected a message: ${JSON.stringify(ctx.delivery?.remote_state)}`)));
    sender.once('sender_error', (ctx: EventContext) => reject(new Error(`producer: ${String(ctx.sender?.error)}`)));
    sender.once('sender_open', () =>
      resolve(
        (batch) =>
          new Promise<void>((done, fail) => {
            waiting = { until: sent + queue.length + batch.length, done, fail };
            queue = queue.concat(batch);
            pump();
          }),
      ),
    );
  });
}
