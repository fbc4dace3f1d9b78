import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import type { AddressInfo } from 'node:net';
import { deleteRedisKeys, freePort, startApp, uniqueId, type AppProcess } from '@wharf/testing';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Starts the BUILT edge (apps/edge/dist/main.js) as a process on a free port. */
export function startEdge(env: Record<string, string> = {}): Promise<AppProcess> {
  return startApp('edge', { portEnv: 'EDGE_PORT', env });
}

export interface Recorded {
  method: string;
  url: string;
  httpVersion: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type StandInHandler = (req: Recorded, res: http.ServerResponse) => void | Promise<void>;

/**
 * ROUTING STAND-IN — not a Wharf service. A tiny real HTTP/1.1 server that records every request the edge
 * forwards to it and answers with whatever the test says (default: 200 `{"standIn":"<name>"}`). It lets the
 * routing, streaming and error tests run without the real services and see exactly what arrived.
 */
export class RoutingStandIn {
  readonly received: Recorded[] = [];
  handler: StandInHandler;
  private server?: http.Server;
  url = '';

  constructor(readonly name: string) {
    this.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ standIn: name }));
    };
  }

  /** Listens on `port` (a free one when 0), e.g. the port it had before `stop()`: a replica coming back. */
  async start(port = 0): Promise<this> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion, headers: req.headers, body: Buffer.concat(chunks) };
        this.received.push(recorded);
        void this.handler(recorded, res);
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  last(): Recorded {
    const r = this.received.at(-1);
    if (!r) throw new Error(`the ${this.name} stand-in received nothing`);
    return r;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

/** Four stand-ins and the env that points the edge at them. */
export async function startStandIns(): Promise<{ sqs: RoutingStandIn; sns: RoutingStandIn; kinesis: RoutingStandIn; mq: RoutingStandIn; env: Record<string, string>; stop(): Promise<void> }> {
  const [sqs, sns, kinesis, mq] = await Promise.all([
    new RoutingStandIn('sqs').start(),
    new RoutingStandIn('sns').start(),
    new RoutingStandIn('kinesis').start(),
    new RoutingStandIn('mq').start(),
  ]);
  return {
    sqs,
    sns,
    kinesis,
    mq,
    env: { WHARF_SQS_URL: sqs.url, WHARF_SNS_URL: sns.url, WHARF_KINESIS_URL: kinesis.url, WHARF_MQ_URL: mq.url },
    stop: async () => void (await Promise.all([sqs, sns, kinesis, mq].map((s) => s.stop()))),
  };
}

export type StandIns = Awaited<ReturnType<typeof startStandIns>>;

/** Four stand-ins and the BUILT edge in front of them (`env`: more settings for the edge). */
export async function startEdgeOnStandIns(env: Record<string, string> = {}): Promise<{ standIns: StandIns; edge: AppProcess }> {
  const standIns = await startStandIns();
  try {
    return { standIns, edge: await startEdge({ ...standIns.env, ...env }) };
  } catch (err) {
    await standIns.stop();
    throw err;
  }
}

/** What a test file started, ended: its SDK clients, then every process and stand-in (any may be unset). */
export async function stopAll(clients: { destroy(): void }[], ...running: ({ stop(): Promise<unknown> } | undefined)[]): Promise<void> {
  for (const c of clients) c.destroy();
  await Promise.all(running.map((r) => r?.stop()));
}

const REDIS_URL = process.env.WHARF_REDIS_URL ?? 'redis://127.0.0.1:6380';

/**
 * The BUILT sqs and kinesis apps on the real Redis and Kafka, with their own key and topic prefixes (named
 * after `id`; Kinesis limits off), for the tests of the edge in front of real services. `env` points an edge
 * at them; `stop` ends both and deletes their keys.
 */
export async function startSqsAndKinesis(id = uniqueId('edge')): Promise<{ sqs: AppProcess; kinesis: AppProcess; env: Record<string, string>; stop(): Promise<void> }> {
  const prefixes = [`wharf:it:${id}:sqs:`, `wharf:it:${id}:kinesis`];
  const settled = await Promise.allSettled([
    startApp('sqs', { portEnv: 'SQS_PORT', env: { SQS_REDIS_PREFIX: prefixes[0], WHARF_REDIS_URL: REDIS_URL } }),
    startApp('kinesis', {
      portEnv: 'KINESIS_PORT',
      env: { KINESIS_REDIS_PREFIX: prefixes[1], KINESIS_TOPIC_PREFIX: `wharf.it.${id}`, KINESIS_ENFORCE_LIMITS: 'false', WHARF_REDIS_URL: REDIS_URL },
    }),
  ]);
  const [sqs, kinesis] = settled.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  if (!sqs || !kinesis) {
    await Promise.all([sqs?.kill(), kinesis?.kill()]);
    throw (settled.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
  }
  return {
    sqs,
    kinesis,
    env: { WHARF_SQS_URL: sqs.url, WHARF_KINESIS_URL: kinesis.url },
    stop: async () => {
      await Promise.all([sqs.stop(), kinesis.stop()]);
      await deleteRedisKeys(prefixes, REDIS_URL);
    },
  };
}

/**
 * A stand-in answer written slowly: four chunks 250 ms apart, each write's time pushed onto `written`, so a
 * test can tell a relayed stream (the first chunk arrives before the second is written) from a buffered one.
 */
export function slowChunks(written: number[]): StandInHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let i = 0; i < 4; i++) {
      if (i) await sleep(250);
      written.push(Date.now());
      res.write(`chunk-${i};`);
    }
    res.end();
  };
}

/**
 * Kinesis enhanced fan-out end to end through `client`: a one-shard stream, a registered consumer, a
 * SubscribeToShard from TRIM_HORIZON, `records` put (one partition key) while it is open; returns what the
 * subscription delivered (up to as many records as were put), then deletes the stream.
 */
export async function subscribeAndPut(client: KinesisClient, StreamName: string, ConsumerName: string, records: string[], PartitionKey: string): Promise<string[]> {
  await client.send(new CreateStreamCommand({ StreamName, ShardCount: 1 }));
  let description;
  for (let i = 0; i < 100; i++) {
    description = (await client.send(new DescribeStreamCommand({ StreamName }))).StreamDescription;
    if (description?.StreamStatus === 'ACTIVE') break;
    await sleep(100);
  }
  if (description?.StreamStatus !== 'ACTIVE') throw new Error(`stream ${StreamName} is ${description?.StreamStatus} after 10 s, not ACTIVE`);
  const { Consumer } = await client.send(new RegisterStreamConsumerCommand({ StreamARN: description.StreamARN, ConsumerName }));
  // Leaving the loop does not end the SDK's HTTP/2 stream; aborting does (else it lives on to the edge's shutdown grace).
  const leave = new AbortController();
  const sub = await client.send(
    new SubscribeToShardCommand({ ConsumerARN: Consumer?.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }),
    { abortSignal: leave.signal },
  );
  await client.send(new PutRecordsCommand({ StreamName, Records: records.map((r) => ({ PartitionKey, Data: Buffer.from(r) })) }));
  const received: string[] = [];
  for await (const event of sub.EventStream ?? []) {
    for (const r of event.SubscribeToShardEvent?.Records ?? []) received.push(Buffer.from(r.Data ?? []).toString());
    if (received.length >= records.length) break;
  }
  leave.abort();
  await client.send(new DeleteStreamCommand({ StreamName, EnforceConsumerDeletion: true }));
  return received;
}

/** A port where nothing listens (a service that is down). */
export const deadPort = freePort;

export interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: Buffer;
}

/** One request over an h2c prior-knowledge session. */
export function h2request(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders, body?: Buffer | string): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    const chunks: Buffer[] = [];
    let head: http2.IncomingHttpHeaders = {};
    stream.on('response', (h) => (head = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    stream.end(body);
  });
}

/** One HTTP/1.1 request with node:http (so headers like Transfer-Encoding are exactly what the test says). */
export function h1request(
  url: string,
  options: http.RequestOptions,
  body?: Buffer | string | ((req: http.ClientRequest) => void),
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
