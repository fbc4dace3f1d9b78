import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { KinesisClient, SubscribeToShardCommand } from '@aws-sdk/client-kinesis';
import { encodeEvent, encodeInitialResponse, EVENT_STREAM_CONTENT_TYPE } from '@wharf/aws-protocol';
import type { AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, sleep, slowChunks, startEdge, startEdgeOnStandIns, stopAll, type StandIns } from './support';

const CONSUMER_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/trucks/consumer/c:1700000000';

/**
 * Bodies stream through the edge both ways: a slow upstream response reaches an h2c client chunk by chunk
 * (an event stream stays live), a client that leaves ends the upstream request, and a slow upload reaches
 * the service while it is still being sent. Upstreams here are ROUTING STAND-INS, not the real services.
 */
describe('edge streaming', () => {
  let standIns: StandIns;
  let edge: AppProcess;
  const clients: KinesisClient[] = [];

  beforeAll(async () => {
    ({ standIns, edge } = await startEdgeOnStandIns());
  });
  afterAll(() => stopAll(clients, edge, standIns));

  it('relays a slow chunked response over h2c chunk by chunk, as the upstream writes it', async () => {
    const written: number[] = [];
    standIns.kinesis.handler = slowChunks(written);
    const session = http2.connect(edge.url);
    const arrivals: { at: number; text: string }[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' });
        stream.on('data', (c: Buffer) => arrivals.push({ at: Date.now(), text: c.toString() }));
        stream.on('end', resolve);
        stream.on('error', reject);
        stream.end('{}');
      });
    } finally {
      session.close();
    }
    expect(arrivals.map((a) => a.text).join('')).toBe('chunk-0;chunk-1;chunk-2;chunk-3;');
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    // Chunk 0 reached the client before the upstream even wrote chunk 1 (nothing waits for the whole body).
    const firstWithChunk0 = arrivals.find((a) => a.text.includes('chunk-0'));
    expect(firstWithChunk0?.at).toBeLessThan(written[1] ?? 0);
    expect((arrivals.at(-1)?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(600);
  });

  it('SubscribeToShard through the SDK (HTTP/2): events arrive one by one while the stream is open', async () => {
    const sent: number[] = [];
    standIns.kinesis.handler = async (_req, res) => {
      res.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE });
      res.write(encodeInitialResponse());
      for (let i = 0; i < 3; i++) {
        await sleep(300);
        sent.push(Date.now());
        res.write(
          encodeEvent('SubscribeToShardEvent', {
            Records: [{ SequenceNumber: String(i), Data: Buffer.from(`position-${i}`), PartitionKey: 'truck-1', ApproximateArrivalTimestamp: new Date() }],
            ContinuationSequenceNumber: String(i),
            MillisBehindLatest: 0,
          }),
        );
      }
      res.end();
    };
    const client = new KinesisClient({ endpoint: edge.url, region: 'us-east-1', credentials });
    clients.push(client);
    const out = await client.send(new SubscribeToShardCommand({ ConsumerARN: CONSUMER_ARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'LATEST' } }));
    const received: { at: number; data: string }[] = [];
    for await (const event of out.EventStream ?? []) {
      for (const r of event.SubscribeToShardEvent?.Records ?? []) received.push({ at: Date.now(), data: Buffer.from(r.Data ?? []).toString() });
    }
    expect(received.map((r) => r.data)).toEqual(['position-0', 'position-1', 'position-2']);
    // Each event was in the client's hands before the next one was even sent.
    expect(received[0]?.at).toBeLessThan(sent[1] ?? 0);
    expect(received[1]?.at).toBeLessThan(sent[2] ?? 0);
  });

  it('a client that leaves ends the upstream request (no orphaned long-lived streams)', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    standIns.kinesis.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE });
      res.write(encodeInitialResponse());
      const beat = setInterval(() => res.write(encodeInitialResponse()), 100);
      res.on('close', () => {
        clearInterval(beat);
        upstreamClosed();
      });
    };
    const session = http2.connect(edge.url);
    try {
      const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' });
      stream.end('{}');
      await new Promise((r) => stream.once('data', r));
      stream.close(http2.constants.NGHTTP2_CANCEL);
      const outcome = await Promise.race([closed.then(() => 'upstream closed'), sleep(3000).then(() => 'still open')]);
      expect(outcome).toBe('upstream closed');
    } finally {
      session.close();
    }
  });

  it('a slow upload reaches the service while it is still being sent (request bodies stream too)', async () => {
    // A purpose-built upstream that notes when the first request bytes arrive (the stand-in waits for the end).
    let firstByteAt = 0;
    const upstream = http.createServer((req, res) => {
      let size = 0;
      req.on('data', (c: Buffer) => {
        if (!firstByteAt) firstByteAt = Date.now();
        size += c.length;
      });
      req.on('end', () => res.end(JSON.stringify({ size })));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const slowEdge = await startEdge({ ...standIns.env, WHARF_KINESIS_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` });
    const session = http2.connect(slowEdge.url);
    try {
      let lastWriteAt = 0;
      const answer = await new Promise<string>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' });
        let text = '';
        stream.on('data', (c: Buffer) => (text += c.toString()));
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
        stream.write(Buffer.alloc(1000, 0x20));
        setTimeout(() => {
          lastWriteAt = Date.now();
          stream.end(Buffer.alloc(1000, 0x20));
        }, 600);
      });
      expect(JSON.parse(answer)).toEqual({ size: 2000 });
      expect(firstByteAt).toBeGreaterThan(0);
      expect(firstByteAt).toBeLessThan(lastWriteAt - 300);
    } finally {
      session.close();
      await slowEdge.stop();
      upstream.closeAllConnections();
      await new Promise((r) => upstream.close(r));
    }
  });
});
