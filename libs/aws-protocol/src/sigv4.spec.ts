import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/core/protocols';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DeleteTagsCommand, MqClient } from '@aws-sdk/client-mq';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { AwsError } from './errors';
import { CaptureHandler } from './testing/sdk-harness';
import { parseAuthorization, verifySigV4 } from './sigv4';
import type { HttpRequestLike } from './types';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const keys = async (id: string) => (id === 'AKIDEXAMPLE' ? SECRET : undefined);

async function signed(init: { method?: string; path?: string; query?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string; service?: string; date?: Date }): Promise<HttpRequestLike> {
  const signer = new SignatureV4({ service: init.service ?? 'sqs', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, sha256: Sha256 });
  const req = new HttpRequest({
    method: init.method ?? 'POST',
    hostname: 'localhost',
    port: 4566,
    path: init.path ?? '/',
    query: init.query ?? {},
    headers: { host: 'localhost:4566', 'content-type': 'application/x-amz-json-1.0', 'user-agent': 'test', ...init.headers },
    body: init.body ?? '{}',
  });
  const s = await signer.sign(req, { signingDate: init.date ?? new Date() });
  const qs = buildQueryString((s.query ?? {}) as Record<string, string | string[]>);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.headers)) headers[k.toLowerCase()] = v;
  return { method: s.method, path: qs ? `${s.path}?${qs}` : s.path, headers, body: Buffer.from(String(s.body)) };
}

async function rejection(p: Promise<void>): Promise<AwsError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(AwsError);
  return e as AwsError;
}

describe('parseAuthorization', () => {
  it('reads the credential scope', () => {
    expect(
      parseAuthorization('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7'),
    ).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      date: '20150830',
      region: 'us-east-1',
      service: 'iam',
      signedHeaders: ['content-type', 'host', 'x-amz-date'],
      signature: '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
  });

  it.each([undefined, '', 'AWS AKID:sig', 'AWS4-HMAC-SHA256 Credential=AKID/2015/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=ab', 'Bearer x'])('ignores %j', (h) => {
    expect(parseAuthorization(h)).toBeUndefined();
  });
});

describe('verifySigV4', () => {
  it('accepts requests signed by @smithy/signature-v4 (JSON body, form body with a queue path, query string)', async () => {
    await expect(verifySigV4(await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues' } }), keys)).resolves.toBeUndefined();
    await expect(
      verifySigV4(await signed({ path: '/000000000000/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendMessage&MessageBody=a%20b' }), keys),
    ).resolves.toBeUndefined();
    await expect(
      verifySigV4(await signed({ method: 'GET', service: 'mq', path: '/v1/tags/arn%3Aaws%3Amq%3Aus-east-1%3A000000000000%3Abroker%3Ao%3Ab-1', query: { tagKeys: ['a b', 'c'], maxResults: '5' }, body: '' }), keys),
    ).resolves.toBeUndefined();
  });

  it('rejects a tampered body, header, path or signature', async () => {
    const base = await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues' } });
    expect((await rejection(verifySigV4({ ...base, body: Buffer.from('{"QueueNamePrefix":"x"}') }, keys))).code).toBe('InvalidSignatureException');
    expect((await rejection(verifySigV4({ ...base, headers: { ...base.headers, 'x-amz-target': 'AmazonSQS.DeleteQueue' } }, keys))).code).toBe('InvalidSignatureException');
    expect((await rejection(verifySigV4({ ...base, path: '/other' }, keys))).status).toBe(403);
    // Flip the first hex digit to a different one: a fixed digit would equal it one time in sixteen.
    const auth = String(base.headers.authorization).replace(/Signature=(.)/, (_m, d: string) => `Signature=${d === '0' ? '1' : '0'}`);
    expect(auth).not.toBe(base.headers.authorization);
    expect((await rejection(verifySigV4({ ...base, headers: { ...base.headers, authorization: auth } }, keys))).code).toBe('InvalidSignatureException');
  });

  it('Query requests get Query error codes; unknown keys, missing auth and stale dates are refused', async () => {
    const form = await signed({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics' });
    expect((await rejection(verifySigV4({ ...form, body: Buffer.from('Action=DeleteTopic') }, keys))).code).toBe('SignatureDoesNotMatch');
    expect((await rejection(verifySigV4(form, async () => undefined))).code).toBe('InvalidClientTokenId');
    const { authorization: _a, ...noAuth } = form.headers;
    expect((await rejection(verifySigV4({ ...form, headers: noAuth }, keys))).code).toBe('MissingAuthenticationToken');
    const old = await signed({ date: new Date(Date.now() - 60 * 60_000) });
    expect((await rejection(verifySigV4(old, keys))).message).toMatch(/Signature expired/);
    await expect(verifySigV4(old, keys, { now: new Date(Date.now() - 60 * 60_000) })).resolves.toBeUndefined();
  });
});

describe('verifySigV4 against real SDK clients', () => {
  it.each([
    ['SQS JSON', (h: CaptureHandler) => new SQSClient(cfg(h)).send(new SendMessageCommand({ QueueUrl: 'http://localhost:4566/000000000000/q', MessageBody: 'héllo wörld' }))],
    ['SNS Query', (h: CaptureHandler) => new SNSClient(cfg(h)).send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Message: 'a b+c' }))],
    ['Kinesis JSON', (h: CaptureHandler) => new KinesisClient(cfg(h)).send(new PutRecordCommand({ StreamName: 's', PartitionKey: 'k', Data: new Uint8Array([1]) }))],
    ['MQ restJson1 (encoded label, repeated query)', (h: CaptureHandler) => new MqClient(cfg(h)).send(new DeleteTagsCommand({ ResourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:o:b-1', TagKeys: ['a b', 'c/d'] }))],
  ])('%s', async (_name, send) => {
    const handler = new CaptureHandler();
    handler.respond = () => ({ status: 500, headers: {}, body: '' });
    await send(handler).catch(() => undefined);
    await expect(verifySigV4(handler.last(), keys)).resolves.toBeUndefined();
  });
});

const cfg = (handler: CaptureHandler) => ({
  region: 'eu-west-1',
  endpoint: 'http://localhost:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  requestHandler: handler,
  maxAttempts: 1,
});
