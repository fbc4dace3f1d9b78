import { describe, expect, it } from 'vitest';
import { decodeRequest, missingRequired, requestContext } from './decode-request';
import { AwsError } from './errors';
import { kinesisModel, mqModel, snsModel, sqsModel } from './model/services';
import type { HttpRequestLike } from './types';

const json10 = (target: string, body: string | Buffer, extra: Record<string, string> = {}): HttpRequestLike => ({
  method: 'POST',
  path: '/',
  headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target, ...extra },
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
});

function decodeError(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error('expected an AwsError');
}

describe('decodeRequest rejects client mistakes with AwsErrors only', () => {
  const sqs = sqsModel();

  it.each([
    ['malformed JSON', '{"QueueUrl": '],
    ['a JSON array body', '[1,2]'],
    ['a string where a string map is expected', '{"QueueUrl":"u","MessageBody":"b","MessageAttributes":"x"}'],
    ['a number for a string', '{"QueueUrl":5,"MessageBody":"b"}'],
    ['an object for a number', '{"QueueUrl":"u","MessageBody":"b","DelaySeconds":{}}'],
    ['bad base64', '{"QueueUrl":"u","MessageBody":"b","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"%%%"}}}'],
    ['invalid UTF-8 garbage', Buffer.from([0xff, 0xfe, 0x00, 0x7b])],
  ])('SerializationException for %s', (_what, body) => {
    const err = decodeError(() => decodeRequest(sqs, json10('AmazonSQS.SendMessage', body)));
    expect(err.code).toBe('SerializationException');
    expect(err.status).toBe(400);
    expect((err as AwsError & { context?: { protocol: string } }).context?.protocol).toBe('awsJson1_0');
  });

  it.each([
    ['"NaN"', '"NaN"'],
    ['"Infinity"', '"Infinity"'],
    ['"-Infinity"', '"-Infinity"'],
    ['a fraction', '1.5'],
    ['a fractional string', '"2.5"'],
    ['beyond the long range', '1e30'],
    ['an exponent overflowing to Infinity', '1e400'],
  ])('an integer member given %s → SerializationException (Kinesis ShardCount, UpdateShardCount, retention)', (_what, value) => {
    const kinesis = kinesisModel();
    const bodies: [string, string][] = [
      ['Kinesis_20131202.CreateStream', `{"StreamName":"s","ShardCount":${value}}`],
      ['Kinesis_20131202.UpdateShardCount', `{"StreamName":"s","TargetShardCount":${value},"ScalingType":"UNIFORM_SCALING"}`],
      ['Kinesis_20131202.IncreaseStreamRetentionPeriod', `{"StreamName":"s","RetentionPeriodHours":${value}}`],
      ['Kinesis_20131202.DecreaseStreamRetentionPeriod', `{"StreamName":"s","RetentionPeriodHours":${value}}`],
    ];
    for (const [target, body] of bodies) {
      const req = json10(target, body, { 'content-type': 'application/x-amz-json-1.1' });
      const err = decodeError(() => decodeRequest(kinesis, req));
      expect([target, err.code, err.status]).toEqual([target, 'SerializationException', 400]);
    }
  });

  it('integer members: JSON integers up to the long range, CBOR integers and bigints; Query and REST strings', () => {
    const kinesis = kinesisModel();
    const req = json10('Kinesis_20131202.CreateStream', '{"StreamName":"s","ShardCount":9007199254740991}', { 'content-type': 'application/x-amz-json-1.1' });
    expect(decodeRequest(kinesis, req).input).toEqual({ StreamName: 's', ShardCount: 9007199254740991 });
    const form = (body: string): HttpRequestLike => ({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body) });
    expect(decodeRequest(sqs, form('Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=10')).input).toEqual({ QueueUrl: 'u', MaxNumberOfMessages: 10 });
    for (const bad of ['NaN', 'Infinity', '1.5', '']) {
      expect(decodeError(() => decodeRequest(sqs, form(`Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=${bad}`))).code).toBe('InvalidParameterValue');
    }
    const mq = mqModel();
    expect(decodeError(() => decodeRequest(mq, { method: 'GET', path: '/v1/brokers?maxResults=NaN', headers: {}, body: Buffer.alloc(0) })).code).toBe('BadRequestException');
    expect(decodeRequest(mq, { method: 'GET', path: '/v1/brokers?maxResults=5', headers: {}, body: Buffer.alloc(0) }).input).toEqual({ MaxResults: 5 });
  });

  it('unknown target / prefix → UnknownOperationException', () => {
    expect(decodeError(() => decodeRequest(sqs, json10('AmazonSQS.Nope', '{}'))).code).toBe('UnknownOperationException');
    expect(decodeError(() => decodeRequest(sqs, json10('Kinesis_20131202.SendMessage', '{}'))).code).toBe('UnknownOperationException');
  });

  it('ignores unknown members, treats null as absent, accepts numeric strings and an empty body', () => {
    const d = decodeRequest(sqs, json10('AmazonSQS.SendMessage', '{"QueueUrl":"u","MessageBody":"b","Bogus":1,"DelaySeconds":"5","MessageGroupId":null}'));
    expect(d.input).toEqual({ QueueUrl: 'u', MessageBody: 'b', DelaySeconds: 5 });
    expect(decodeRequest(sqs, json10('AmazonSQS.ListQueues', '')).input).toEqual({});
  });

  it('a __proto__ key in a map stays data', () => {
    const d = decodeRequest(sqs, json10('AmazonSQS.TagQueue', '{"QueueUrl":"u","Tags":{"__proto__":"x","a":"b"}}'));
    const tags = d.input.Tags as Record<string, string>;
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(Object.keys(tags)).toEqual(['__proto__', 'a']);
  });

  it('JSON without a version in the content-type is settled against the model', () => {
    const req = json10('AmazonSQS.ListQueues', '{}');
    req.headers['content-type'] = 'application/json';
    expect(decodeRequest(sqs, req).context.protocol).toBe('awsJson1_0');
  });

  it('Query mistakes: missing Action, unknown Action, bad number, bad percent escape', () => {
    const form = (body: string): HttpRequestLike => ({ method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body) });
    expect(decodeError(() => decodeRequest(sqs, form('Version=2012-11-05'))).code).toBe('MissingAction');
    expect(decodeError(() => decodeRequest(sqs, form('Action=Nope'))).code).toBe('InvalidAction');
    const bad = decodeError(() => decodeRequest(sqs, form('Action=ReceiveMessage&QueueUrl=u&MaxNumberOfMessages=ten')));
    expect(bad.code).toBe('InvalidParameterValue');
    expect(decodeError(() => decodeRequest(snsModel(), form('Action=Publish&Message=%E0%A4%A'))).code).toBe('MalformedQueryString');
    expect(decodeError(() => decodeRequest(snsModel(), form('Action=Subscribe&TopicArn=a&Protocol=sqs&ReturnSubscriptionArn=maybe'))).code).toBe('InvalidParameter');
  });

  it('Query POSTed to the queue URL path (older Java/.NET): no QueueUrl member, the path is exposed', () => {
    const req: HttpRequestLike = {
      method: 'POST',
      path: '/000000000000/orders?x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: Buffer.from('Action=SendMessage&Version=2012-11-05&MessageBody=hello+world%21&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=b'),
    };
    const d = decodeRequest(sqs, req);
    expect(d.operation).toBe('SendMessage');
    expect(d.path).toBe('/000000000000/orders');
    expect(d.input).toEqual({ MessageBody: 'hello world!', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } });
  });

  it('Query parameters may come in the URL (GET, e.g. an SNS SubscribeURL)', () => {
    const d = decodeRequest(snsModel(), { method: 'GET', path: '/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Token=abc', headers: {}, body: Buffer.alloc(0) });
    expect(d.operation).toBe('ConfirmSubscription');
    expect(d.input).toEqual({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:t', Token: 'abc' });
  });

  it('CBOR garbage → SerializationException', () => {
    const req: HttpRequestLike = { method: 'POST', path: '/', headers: { 'content-type': 'application/x-amz-cbor-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' }, body: Buffer.from([0xa1, 0x61]) };
    expect(decodeError(() => decodeRequest(kinesisModel(), req)).code).toBe('SerializationException');
    req.body = Buffer.from([0x18]);
    expect(decodeError(() => decodeRequest(kinesisModel(), req)).code).toBe('SerializationException');
  });

  it('restJson1: unknown route → 404, bad JSON → BadRequestException', () => {
    const mq = mqModel();
    const err = decodeError(() => decodeRequest(mq, { method: 'GET', path: '/v1/nothing', headers: {}, body: Buffer.alloc(0) }));
    expect(err.status).toBe(404);
    const bad = decodeError(() => decodeRequest(mq, { method: 'POST', path: '/v1/brokers', headers: { 'content-type': 'application/json' }, body: Buffer.from('{') }));
    expect(bad.code).toBe('BadRequestException');
    const badQuery = decodeError(() => decodeRequest(mq, { method: 'GET', path: '/v1/brokers?maxResults=lots', headers: {}, body: Buffer.alloc(0) }));
    expect(badQuery.code).toBe('BadRequestException');
  });

  it('random bytes never escape as anything but AwsError', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const models = [sqsModel(), snsModel(), kinesisModel(), mqModel()];
    const cts = ['application/x-amz-json-1.0', 'application/x-amz-json-1.1', 'application/x-amz-cbor-1.1', 'application/x-www-form-urlencoded', 'application/json'];
    const targets = ['AmazonSQS.SendMessage', 'Kinesis_20131202.PutRecords', 'Kinesis_20131202.ListShards', 'AmazonSQS.SendMessageBatch'];
    for (let i = 0; i < 400; i++) {
      const body = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
      const req: HttpRequestLike = {
        method: rnd() < 0.5 ? 'POST' : 'GET',
        path: rnd() < 0.5 ? '/' : '/v1/brokers/b-1/users/%zz',
        headers: { 'content-type': cts[i % cts.length], 'x-amz-target': targets[i % targets.length] },
        body,
      };
      for (const m of models) {
        try {
          decodeRequest(m, req);
        } catch (e) {
          expect(e).toBeInstanceOf(AwsError);
        }
      }
    }
  });
});

describe('request context', () => {
  it('takes region and access key from the SigV4 scope, a 12-digit key as account id', () => {
    const req: HttpRequestLike = {
      method: 'POST',
      path: '/',
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=123456789012/20240101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd', 'content-type': 'application/x-amz-json-1.0' },
      body: Buffer.alloc(0),
    };
    const ctx = requestContext(req, sqsModel(), { region: 'us-east-1', accountId: '000000000000' });
    expect(ctx).toMatchObject({ region: 'eu-west-1', accountId: '123456789012', accessKeyId: '123456789012', protocol: 'awsJson1_0' });
    expect(ctx.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestContext({ ...req, headers: {} }, sqsModel(), { accountId: '111111111111' })).toMatchObject({ region: 'us-east-1', accountId: '111111111111', protocol: 'awsQuery' });
  });

  it('missingRequired lists required members the input lacks', () => {
    expect(missingRequired(sqsModel(), 'SendMessage', { MessageBody: 'x' })).toEqual(['QueueUrl']);
    expect(missingRequired(sqsModel(), 'ListQueues', {})).toEqual([]);
  });
});
