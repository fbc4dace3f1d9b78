import { createHash } from 'node:crypto';
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
import { parseAuthorization, verifySigV4, type AuthErrorStyle } from './sigv4';
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

const presign = async (init: { path: string; query: Record<string, string>; date?: Date; expiresIn?: number; service?: string }): Promise<HttpRequestLike> => {
  const signer = new SignatureV4({ service: init.service ?? 'sqs', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, sha256: Sha256 });
  const req = new HttpRequest({ method: 'GET', hostname: 'localhost', port: 4566, path: init.path, query: init.query, headers: { host: 'localhost:4566' } });
  const s = await signer.presign(req, { signingDate: init.date ?? new Date(), expiresIn: init.expiresIn ?? 300 });
  const qs = buildQueryString((s.query ?? {}) as Record<string, string | string[]>);
  return { method: 'GET', path: `${s.path}?${qs}`, headers: { host: 'localhost:4566' }, body: Buffer.alloc(0) };
};

/** Changes one hex digit of a signature to another digit: always a different signature. */
const otherSignature = (sig: string) => `${sig[0] === '0' ? '1' : '0'}${sig.slice(1)}`;

describe('verifySigV4', () => {
  it('accepts requests signed by @smithy/signature-v4 (JSON body, form body with a queue path, query string) and says who signed', async () => {
    await expect(verifySigV4(await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues' } }), keys, { service: 'sqs' })).resolves.toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'eu-west-1',
      service: 'sqs',
    });
    await expect(
      verifySigV4(await signed({ path: '/000000000000/orders', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=SendMessage&MessageBody=a%20b' }), keys),
    ).resolves.toMatchObject({ service: 'sqs' });
    await expect(
      verifySigV4(await signed({ method: 'GET', service: 'mq', path: '/v1/tags/arn%3Aaws%3Amq%3Aus-east-1%3A000000000000%3Abroker%3Ao%3Ab-1', query: { tagKeys: ['a b', 'c'], maxResults: '5' }, body: '' }), keys),
    ).resolves.toMatchObject({ service: 'mq' });
  });

  it('rejects a tampered body, header, path or signature', async () => {
    const base = await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues' } });
    expect((await rejection(verifySigV4({ ...base, body: Buffer.from('{"QueueNamePrefix":"x"}') }, keys))).code).toBe('InvalidSignatureException');
    expect((await rejection(verifySigV4({ ...base, headers: { ...base.headers, 'x-amz-target': 'AmazonSQS.DeleteQueue' } }, keys))).code).toBe('InvalidSignatureException');
    expect((await rejection(verifySigV4({ ...base, path: '/other' }, keys))).code).toBe('InvalidSignatureException');
    const auth = String(base.headers.authorization).replace(/Signature=([0-9a-f]+)/, (_m, sig: string) => `Signature=${otherSignature(sig)}`);
    expect(auth).not.toBe(base.headers.authorization);
    expect((await rejection(verifySigV4({ ...base, headers: { ...base.headers, authorization: auth } }, keys))).code).toBe('InvalidSignatureException');
  });

  it('each style answers with its own codes and statuses', async () => {
    const form = await signed({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics' });
    const { authorization: _a, ...noAuth } = form.headers;
    const cases: [AuthErrorStyle, string, number, string, number, string, number][] = [
      ['query', 'SignatureDoesNotMatch', 403, 'InvalidClientTokenId', 403, 'MissingAuthenticationToken', 403],
      ['json', 'InvalidSignatureException', 400, 'UnrecognizedClientException', 400, 'MissingAuthenticationTokenException', 400],
      ['rest', 'InvalidSignatureException', 403, 'UnrecognizedClientException', 403, 'MissingAuthenticationTokenException', 403],
    ];
    for (const [style, mismatch, mStatus, unknown, uStatus, missing, miStatus] of cases) {
      const m = await rejection(verifySigV4({ ...form, body: Buffer.from('Action=DeleteTopic') }, keys, { style }));
      expect([m.code, m.status]).toEqual([mismatch, mStatus]);
      const u = await rejection(verifySigV4(form, async () => undefined, { style }));
      expect([u.code, u.status, u.message]).toEqual([unknown, uStatus, 'The security token included in the request is invalid.']);
      const n = await rejection(verifySigV4({ ...form, headers: noAuth }, keys, { style }));
      expect([n.code, n.status]).toEqual([missing, miStatus]);
    }
  });

  it('refuses a signature scoped to another service or to a region that is not valid, with AWS\'s words', async () => {
    const req = await signed({ service: 'sns', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListQueues' });
    const wrong = await rejection(verifySigV4(req, keys, { service: 'sqs', style: 'query' }));
    expect([wrong.code, wrong.message]).toEqual(['SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sqs'. "]);
    const region = await rejection(verifySigV4(req, keys, { service: 'sns', validRegion: (r) => r === 'us-east-1' }));
    expect([region.code, region.message]).toEqual(['InvalidSignatureException', "Credential should be scoped to a valid region, not 'eu-west-1'. "]);
  });

  it('refuses a stale or future date beyond 15 minutes, and accepts it within', async () => {
    const old = await signed({ date: new Date(Date.now() - 16 * 60_000) });
    expect((await rejection(verifySigV4(old, keys))).message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    const future = await signed({ date: new Date(Date.now() + 16 * 60_000) });
    expect((await rejection(verifySigV4(future, keys))).message).toMatch(/^Signature not yet current: /);
    await expect(verifySigV4(await signed({ date: new Date(Date.now() - 14 * 60_000) }), keys)).resolves.toBeDefined();
  });

  it('requires host, x-amz-date, every x-amz-* header and a JSON content-type to be signed', async () => {
    const sign = async (unsigned: string[], headers: Record<string, string> = {}) => {
      const signer = new SignatureV4({ service: 'kinesis', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET }, sha256: Sha256 });
      const all = { host: 'localhost:4566', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.ListStreams', ...headers };
      const s = await signer.sign(new HttpRequest({ method: 'POST', hostname: 'localhost', path: '/', headers: all, body: '{}' }), { unsignableHeaders: new Set(unsigned) });
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(s.headers)) h[k.toLowerCase()] = v;
      return { method: 'POST', path: '/', headers: h, body: Buffer.from('{}') } as HttpRequestLike;
    };
    await expect(verifySigV4(await sign([]), keys)).resolves.toBeDefined();
    expect((await rejection(verifySigV4(await sign(['x-amz-target']), keys))).message).toMatch(/'x-amz-target' must be a 'SignedHeader'/);
    expect((await rejection(verifySigV4(await sign(['content-type']), keys))).message).toMatch(/'Content-Type' must be a 'SignedHeader'/);
    expect((await rejection(verifySigV4(await sign(['host']), keys))).message).toBe("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    expect((await rejection(verifySigV4(await sign(['x-amz-meta'], { 'x-amz-meta': 'a' }), keys))).message).toMatch(/'x-amz-meta' must be a 'SignedHeader'/);
    const noDate = await sign([]);
    delete noDate.headers['x-amz-date'];
    const e = await rejection(verifySigV4(noDate, keys, { style: 'query' }));
    expect([e.code, e.status]).toEqual(['IncompleteSignature', 400]);
  });

  it('hashes the body itself: UNSIGNED-PAYLOAD (or any declared hash that is not the body\'s) with a swapped body is refused', async () => {
    const unsigned = await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    expect((await rejection(verifySigV4(unsigned, keys))).code).toBe('InvalidSignatureException');
    expect((await rejection(verifySigV4({ ...unsigned, body: Buffer.from('{"QueueNamePrefix":"other"}') }, keys))).code).toBe('InvalidSignatureException');
    const honest = await signed({ headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'x-amz-content-sha256': createHash('sha256').update('{}').digest('hex') } });
    await expect(verifySigV4(honest, keys)).resolves.toBeDefined();
  });

  it('malformed Authorization headers are IncompleteSignature', async () => {
    const base = await signed({});
    for (const authorization of ['AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20200101/eu-west-1/sqs/aws4_request', 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=ab', 'AWS AKID:sig']) {
      expect((await rejection(verifySigV4({ ...base, headers: { ...base.headers, authorization } }, keys, { style: 'query' }))).code).toBe('IncompleteSignature');
    }
  });

  it('presigned query-string requests: accepted, and refused when expired, tampered, or scoped elsewhere', async () => {
    const path = '/000000000000/q';
    const query = { Action: 'ReceiveMessage', Version: '2012-11-05', MaxNumberOfMessages: '1' };
    await expect(verifySigV4(await presign({ path, query }), keys, { service: 'sqs', style: 'query' })).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
    const expired = await rejection(verifySigV4(await presign({ path, query, date: new Date(Date.now() - 10 * 60_000), expiresIn: 60 }), keys, { style: 'query' }));
    expect([expired.code, expired.status]).toEqual(['RequestExpired', 400]);
    const ok = await presign({ path, query });
    const tampered = { ...ok, path: ok.path.replace('Action=ReceiveMessage', 'Action=DeleteQueue') };
    expect((await rejection(verifySigV4(tampered, keys, { style: 'query' }))).code).toBe('SignatureDoesNotMatch');
    const sig = /X-Amz-Signature=([0-9a-f]+)/.exec(ok.path)?.[1] as string;
    expect((await rejection(verifySigV4({ ...ok, path: ok.path.replace(sig, otherSignature(sig)) }, keys, { style: 'query' }))).code).toBe('SignatureDoesNotMatch');
    expect((await rejection(verifySigV4(await presign({ path, query, service: 'sns' }), keys, { service: 'sqs', style: 'query' }))).message).toBe(
      "Credential should be scoped to correct service: 'sqs'. ",
    );
    const both = { ...ok, headers: { ...ok.headers, authorization: 'AWS4-HMAC-SHA256 Credential=a/20200101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=00' } };
    expect((await rejection(verifySigV4(both, keys, { style: 'query' }))).code).toBe('IncompleteSignature');
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
    await expect(verifySigV4(handler.last(), keys)).resolves.toMatchObject({ accessKeyId: 'AKIDEXAMPLE' });
  });
});

const cfg = (handler: CaptureHandler) => ({
  region: 'eu-west-1',
  endpoint: 'http://localhost:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET },
  requestHandler: handler,
  maxAttempts: 1,
});
