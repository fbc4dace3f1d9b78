import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h2request, sleep, startEdge, startStandIns } from './support';

/** /metrics, structured logs, and SIGTERM: requests in flight finish, then the process exits cleanly. */
describe('edge lifecycle', () => {
  let standIns: Awaited<ReturnType<typeof startStandIns>>;

  beforeAll(async () => {
    standIns = await startStandIns();
  });
  afterAll(async () => standIns?.stop());

  it('/metrics counts routed requests; logs are JSON lines', async () => {
    const edge = await startEdge({ ...standIns.env, WHARF_LOG_LEVEL: 'info' });
    try {
      await fetch(`${edge.url}/v1/brokers`);
      await fetch(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.Nope' }, body: '{}' });
      const res = await fetch(`${edge.url}/metrics`);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toMatch(/wharf_edge_requests_total\{service="mq",outcome="proxied",status="200"\} 1/);
      expect(text).toMatch(/wharf_edge_requests_total\{service="none",outcome="rejected",status="400"\} 1/);
      expect(text).toContain('wharf_edge_http2_sessions');
      expect(text).toContain('process_cpu_seconds_total');
      const lines = edge.output().split('\n').filter((l) => l.startsWith('{'));
      expect(lines.length).toBeGreaterThan(0);
      expect(JSON.parse(lines.find((l) => l.includes('edge listening')) ?? '{}')).toMatchObject({ service: 'edge', level: 30 });
    } finally {
      await edge.stop();
    }
  });

  it('SIGTERM lets requests in flight on HTTP/1.1 and HTTP/2 finish, refuses new connections, then exits', async () => {
    standIns.sqs.handler = async (_req, res) => {
      await sleep(700);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{"slow":true}');
    };
    const edge = await startEdge(standIns.env);
    const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' };
    const viaH1 = fetch(`${edge.url}/`, { method: 'POST', headers: json, body: '{}' }).then(async (r) => ({ status: r.status, body: await r.text() }));
    const session = http2.connect(edge.url);
    session.on('error', () => undefined);
    const viaH2 = h2request(session, { ':method': 'POST', ':path': '/', ...json }, '{}');
    await sleep(200); // both are now waiting on the slow service
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((r) =>
      edge.child.once('exit', (code, signal) => r({ code, signal, at: Date.now() })),
    );
    const stoppedAt = Date.now();
    edge.child.kill('SIGTERM');
    await sleep(100);
    await expect(fetch(`${edge.url}/health`)).rejects.toThrow();

    expect(await viaH1).toEqual({ status: 200, body: '{"slow":true}' });
    const h2 = await viaH2;
    expect(h2.status).toBe(200);
    expect(h2.body.toString()).toBe('{"slow":true}');
    // Nest closes the app on SIGTERM, then re-raises the signal: a graceful exit reads as "killed by SIGTERM".
    const exit = await exited;
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(exit.at - stoppedAt).toBeLessThan(5000); // well short of the 10 s grace: nothing was left hanging
    session.destroy();
  });
});
