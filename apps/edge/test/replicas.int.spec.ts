// The edge in front of several replicas of one service (issue 14). Upstreams here are ROUTING STAND-INS (real
// HTTP servers that record what reaches them), so each case can make one replica refuse, reset, or come back.
// The real sqs app behind the edge, killed with -9 under load: replica-failover.int.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest, type AppProcess } from '@wharf/testing';
import { RoutingStandIn, deadPort, startEdge } from './support';

const sqsJson = (operation: string, body: object) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
  body: JSON.stringify(body),
});
const apiCalls = (s: RoutingStandIn) => s.received.filter((r) => r.url !== '/health');

interface ReplicaView { url: string; state: string; inFlight: number; requests: number; reason?: string }
async function replicasOf(edge: AppProcess, service = 'sqs'): Promise<ReplicaView[]> {
  const res = await fetch(`${edge.url}/_wharf/edge/replicas`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { services: Record<string, { replicas: ReplicaView[] }> };
  return body.services[service]?.replicas ?? [];
}
async function until(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !(await cond()); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('edge: balancing across replicas, passive marking and retries (no active checks)', () => {
  let a: RoutingStandIn, b: RoutingStandIn, edge: AppProcess, dead: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([new RoutingStandIn('sqs-a').start(), new RoutingStandIn('sqs-b').start()]);
    dead = `http://127.0.0.1:${await deadPort()}`;
    // Checks off: the dead replica is found only by the requests that go to it.
    edge = await startEdge({ WHARF_SQS_URL: `${a.url}, ${b.url},${dead}`, WHARF_EDGE_HEALTH_INTERVAL_MS: '0' });
  });
  afterAll(async () => {
    await edge?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('spreads requests over the live replicas; one refused goes to the next, body whole, and the refuser is out', async () => {
    const bodies = Array.from({ length: 12 }, (_, i) => ({ QueueUrl: 'http://q/000000000000/q', MessageBody: `m${i} ${'x'.repeat(2_000)}` }));
    for (const body of bodies) {
      const res = await fetch(edge.url, sqsJson('SendMessage', body));
      expect(res.status).toBe(200);
    }
    const arrived = [...apiCalls(a), ...apiCalls(b)].map((r) => JSON.parse(r.body.toString()) as { MessageBody: string });
    // each exactly once (the one refused by the dead replica was resent, not lost or doubled)
    expect(arrived.map((x) => x.MessageBody).sort()).toEqual(bodies.map((x) => x.MessageBody).sort());
    expect(apiCalls(a).length).toBe(6);
    expect(apiCalls(b).length).toBe(6);
    const views = await replicasOf(edge);
    expect(views.find((v) => v.url === dead)).toMatchObject({ state: 'down', reason: 'connection refused', requests: 1 });
    expect(views.filter((v) => v.url !== dead).map((v) => v.requests)).toEqual([6, 6]);

    const metrics = await (await fetch(`${edge.url}/metrics`)).text();
    expect(metrics).toContain(`wharf_edge_replica_up{service="sqs",replica="${dead}"} 0`);
    expect(metrics).toContain(`wharf_edge_replica_up{service="sqs",replica="${a.url}"} 1`);
    expect(metrics).toMatch(/wharf_edge_upstream_retries_total\{service="sqs",reason="refused"\} 1\b/);
  });

  it('a write the replica received before it broke the connection is not resent: the client gets a retryable 503', async () => {
    const seen = { a: apiCalls(a).length, b: apiCalls(b).length };
    const breakIt = (s: RoutingStandIn) => (s.handler = (_req, res) => void res.socket?.destroy());
    breakIt(a);
    breakIt(b);
    const res = await fetch(edge.url, sqsJson('SendMessage', { QueueUrl: 'http://q/000000000000/q', MessageBody: 'once' }));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ __type: expect.stringMatching(/ServiceUnavailable$/) });
    // exactly one replica got it, and only once
    expect(apiCalls(a).length + apiCalls(b).length - seen.a - seen.b).toBe(1);
  });

  it('a read broken the same way is resent to the other replica', async () => {
    const seen = apiCalls(a).length + apiCalls(b).length;
    // whichever gets it first breaks the connection; the other answers
    let broken = 0;
    for (const s of [a, b]) {
      s.handler = (_req, res) => {
        if (broken++ === 0) return void res.socket?.destroy();
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ Attributes: { from: s.name } }));
      };
    }
    // the replica that broke the last write is down; the other breaks this read, which then goes to the
    // one that is down (every other was tried) and is answered there
    const res = await fetch(edge.url, sqsJson('GetQueueAttributes', { QueueUrl: 'http://q/000000000000/q' }));
    expect(res.status).toBe(200);
    expect(apiCalls(a).length + apiCalls(b).length - seen).toBe(2);
  });
});

describe('edge: active health checks take a replica out and put it back', () => {
  let a: RoutingStandIn, b: RoutingStandIn, edge: AppProcess;

  beforeAll(async () => {
    [a, b] = await Promise.all([new RoutingStandIn('sqs-a').start(), new RoutingStandIn('sqs-b').start()]);
    edge = await startEdge({ WHARF_SQS_URL: `${a.url},${b.url}`, WHARF_EDGE_HEALTH_INTERVAL_MS: '200', WHARF_EDGE_HEALTH_TIMEOUT_MS: '500' });
  });
  afterAll(async () => {
    await edge?.stop();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('a replica that stops listening is marked down by its checks, gets nothing, and comes back when it listens again', async () => {
    await until('both replicas checked up', async () => (await replicasOf(edge)).every((v) => v.state === 'up'));
    const port = Number(new URL(b.url).port);
    await b.stop();
    await until('b marked down by its checks', async () => (await replicasOf(edge)).find((v) => v.url === b.url)?.state === 'down');
    const before = apiCalls(a).length;
    for (let i = 0; i < 5; i++) expect((await fetch(edge.url, sqsJson('ListQueues', {}))).status).toBe(200);
    expect(apiCalls(a).length - before).toBe(5);

    const health = (await (await fetch(`${edge.url}/health`)).json()) as { services: { checks: Record<string, { status: string; replicas?: { url: string; status: string }[] }> } };
    expect(health.services.checks.sqs?.status).toBe('degraded');
    expect(health.services.checks.sqs?.replicas?.map((r) => r.status)).toEqual(['up', 'down']);
    await b.start(port);
    await until('b back up', async () => (await replicasOf(edge)).find((v) => v.url === b.url)?.state === 'up');
    const bBefore = apiCalls(b).length;
    for (let i = 0; i < 4; i++) expect((await fetch(edge.url, sqsJson('ListQueues', {}))).status).toBe(200);
    expect(apiCalls(b).length - bBefore).toBe(2);
  });
});

describe('edge: one upstream URL behaves as before balancing', () => {
  it('a lone replica is not health-checked, and is tried again after it refused', async () => {
    const a = await new RoutingStandIn('sqs').start();
    const port = Number(new URL(a.url).port);
    const edge = await startEdge({ WHARF_SQS_URL: a.url });
    try {
      await a.stop();
      expect((await fetch(edge.url, sqsJson('ListQueues', {}))).status).toBe(503);
      await a.start(port);
      expect((await fetch(edge.url, sqsJson('ListQueues', {}))).status).toBe(200);
      const report = (await (await fetch(`${edge.url}/_wharf/edge/replicas`)).json()) as { services: Record<string, { checked: boolean }> };
      expect(report.services.sqs?.checked).toBe(false);
    } finally {
      await edge.stop();
      await a.stop();
    }
  });
});

describe('edge: the replica report with SigV4 on', () => {
  it('GET /_wharf/edge/replicas needs a signature scoped `wharf`', async () => {
    const [a, b] = await Promise.all([new RoutingStandIn('sqs-a').start(), new RoutingStandIn('sqs-b').start()]);
    const key = { accessKeyId: 'AKIDEDGEREPLICAS0001', secretAccessKey: 'edge/replicas+secret' };
    const edge = await startEdge({ WHARF_SQS_URL: `${a.url},${b.url}`, WHARF_VERIFY_SIGV4: 'true', WHARF_CREDENTIALS: `${key.accessKeyId}:${key.secretAccessKey}` });
    try {
      expect((await fetch(`${edge.url}/_wharf/edge/replicas`)).status).toBe(403);
      const signed = await signRequest(edge.url, { service: 'wharf', key, method: 'GET', path: '/_wharf/edge/replicas' });
      const res = await fetch(signed.url, signed.init);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { services: Record<string, { checked: boolean; replicas: ReplicaView[] }> };
      expect(body.services.sqs?.checked).toBe(true);
      expect(body.services.sqs?.replicas.map((r) => r.url)).toEqual([a.url, b.url]);
    } finally {
      await edge.stop();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
