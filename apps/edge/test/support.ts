import http, { type IncomingHttpHeaders } from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { freePort, startApp, type AppProcess } from '@wharf/testing';

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

type StandInHandler = (req: Recorded, res: http.ServerResponse) => void | Promise<void>;

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

  async start(): Promise<this> {
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
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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
