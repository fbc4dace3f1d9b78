import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import { KinesisClient, ListStreamsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AppProcess } from '@wharf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, h1request, h2request, startEdgeOnStandIns, stopAll, type StandIns } from './support';

/**
 * Routing through the BUILT edge process to four ROUTING STAND-INS (tiny recording HTTP servers, not the
 * real services): each request must reach the right one, over HTTP/1.1 and over h2c prior knowledge,
 * with its bytes, Host and signature headers intact; the stand-in's answer must come back unchanged.
 */
describe('edge routing (to recording stand-ins)', () => {
  let standIns: StandIns;
  let edge: AppProcess;
  const clients: { destroy(): void }[] = [];

  beforeAll(async () => {
    ({ standIns, edge } = await startEdgeOnStandIns());
  });
  afterAll(() => stopAll(clients, edge, standIns));

  it('routes an HTTP/1.1 JSON 1.0 request by X-Amz-Target and relays the answer', async () => {
    standIns.sqs.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'from-stand-in', connection: 'keep-alive' });
      res.end('{"QueueUrls":[]}');
    };
    const auth = 'AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123abcd';
    const res = await h1request(
      `${edge.url}/`,
      { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues', authorization: auth, 'x-amz-date': '20250101T000000Z' } },
      '{"QueueNamePrefix":"a"}',
    );
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('{"QueueUrls":[]}');
    expect(res.headers['x-amzn-requestid']).toBe('from-stand-in');

    const got = standIns.sqs.last();
    expect(got).toMatchObject({ method: 'POST', url: '/', httpVersion: '1.1' });
    expect(got.body.toString()).toBe('{"QueueNamePrefix":"a"}');
    // What SigV4 needs arrives untouched; the hop is described by x-forwarded-* and Via.
    expect(got.headers).toMatchObject({
      host: `127.0.0.1:${edge.port}`,
      authorization: auth,
      'x-amz-date': '20250101T000000Z',
      'x-amz-target': 'AmazonSQS.ListQueues',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': `127.0.0.1:${edge.port}`,
      'x-forwarded-port': String(edge.port),
      via: '1.1 wharf-edge',
    });
    expect(got.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1/);
  });

  it('routes an h2c prior-knowledge request; the HTTP/2 answer carries no connection-specific headers', async () => {
    standIns.kinesis.handler = (_req, res) => {
      // Chunked + keep-alive on the HTTP/1.1 hop: none of it may leak into the HTTP/2 response.
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', connection: 'keep-alive', 'keep-alive': 'timeout=5' });
      res.write('{"StreamNames":');
      res.end('[],"HasMoreStreams":false}');
    };
    const session = http2.connect(edge.url);
    try {
      const res = await h2request(
        session,
        { ':method': 'POST', ':path': '/', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams' },
        '{}',
      );
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString())).toEqual({ StreamNames: [], HasMoreStreams: false });
      for (const h of ['connection', 'keep-alive', 'transfer-encoding']) expect(res.headers[h]).toBeUndefined();
    } finally {
      session.close();
    }
    const got = standIns.kinesis.last();
    expect(got.headers).toMatchObject({ host: `127.0.0.1:${edge.port}`, via: '2 wharf-edge', 'x-amz-target': 'Kinesis_20131202.ListStreams' });
    expect(got.body.toString()).toBe('{}');
  });

  it('serves @aws-sdk/client-kinesis with its default HTTP/2 handler, bodies intact both ways', async () => {
    standIns.kinesis.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      if (req.headers['x-amz-target'] === 'Kinesis_20131202.ListStreams') return void res.end('{"StreamNames":["trucks"],"HasMoreStreams":false}');
      const input = JSON.parse(req.body.toString()) as { Records: unknown[] };
      res.end(JSON.stringify({ FailedRecordCount: 0, Records: input.Records.map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })) }));
    };
    const client = new KinesisClient({ endpoint: edge.url, region: 'us-east-1', credentials });
    clients.push(client);
    expect((await client.send(new ListStreamsCommand({}))).StreamNames).toEqual(['trucks']);
    const sdkSeen = standIns.kinesis.last();
    expect(sdkSeen.headers.via).toBe('2 wharf-edge'); // the SDK spoke HTTP/2 to the edge
    expect(sdkSeen.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/kinesis\/aws4_request/);

    // ~4 MiB of records in one PutRecords over h2: every byte reaches the service.
    const records = Array.from({ length: 64 }, (_, i) => ({ PartitionKey: `truck-${i}`, Data: Buffer.alloc(64 * 1024, i) }));
    const put = await client.send(new PutRecordsCommand({ StreamName: 'trucks', Records: records }));
    expect(put.FailedRecordCount).toBe(0);
    const got = JSON.parse(standIns.kinesis.last().body.toString()) as { Records: { Data: string; PartitionKey: string }[] };
    expect(got.Records).toHaveLength(64);
    const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(got.Records.map((r) => digest(Buffer.from(r.Data, 'base64')))).toEqual(records.map((r) => digest(r.Data)));
  });

  it('routes Query by Version and signing scope (the SNS SDK parses the stand-in XML through the edge)', async () => {
    standIns.sns.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult>' +
          '<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
      );
    };
    const sns = new SNSClient({ endpoint: edge.url, region: 'us-east-1', credentials });
    clients.push(sns);
    const out = await sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'hello' }));
    expect(out.MessageId).toBe('m-1');
    const form = new URLSearchParams(standIns.sns.last().body.toString());
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('Version')).toBe('2010-03-31');

    // A bare Query POST (no Version, no signature): the action name alone picks the API.
    const before = standIns.sqs.received.length;
    const res = await fetch(`${edge.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListQueues' });
    expect(res.status).toBe(200);
    expect(standIns.sqs.received.length).toBe(before + 1);
    expect(standIns.sqs.last().body.toString()).toBe('Action=ListQueues');
  });

  it('routes queue-URL paths to sqs, /v1/… to mq, and the SNS confirmation links and certificate to sns', async () => {
    await fetch(`${edge.url}/000000000000/orders`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendMessage&MessageBody=x' });
    expect(standIns.sqs.last()).toMatchObject({ url: '/000000000000/orders' });

    for (const path of ['/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Token=tok', '/SimpleNotificationService-abc123.pem']) {
      expect((await fetch(`${edge.url}${path}`)).status).toBe(200);
      expect(standIns.sns.last()).toMatchObject({ method: 'GET', url: path });
    }

    standIns.mq.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"brokerSummaries":[{"brokerId":"b-1","brokerName":"orders"}]}');
    };
    const mq = new MqClient({ endpoint: edge.url, region: 'us-east-1', credentials });
    clients.push(mq);
    const brokers = await mq.send(new ListBrokersCommand({ MaxResults: 5 }));
    expect(brokers.BrokerSummaries?.[0]?.BrokerName).toBe('orders');
    expect(standIns.mq.last()).toMatchObject({ method: 'GET', url: '/v1/brokers?maxResults=5' });
  });
});
