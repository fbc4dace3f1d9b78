import { kinesisModel, mqModel, snsModel, sqsModel } from '@wharf/aws-protocol';
import { describe, expect, it } from 'vitest';
import { catalogFromModels, parseForm, routeRequest, type RoutingRequest } from './routing';

const catalog = catalogFromModels([sqsModel(), snsModel(), kinesisModel(), mqModel()]);
const auth = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=AKID/20240101/eu-west-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123`;

function route(req: Partial<RoutingRequest> & { body?: string }) {
  const headers = req.headers ?? {};
  const hasForm = req.body !== undefined;
  if (hasForm) headers['content-type'] ??= 'application/x-www-form-urlencoded; charset=utf-8';
  const form = req.body === undefined ? undefined : parseForm(req.body);
  return routeRequest({ method: req.method ?? 'POST', path: req.path ?? '/', headers, hasForm, form }, catalog);
}
const serviceOf = (req: Parameters<typeof route>[0]) => {
  const d = route(req);
  return d.kind === 'service' ? d.service : `error:${d.error.code}`;
};

describe('routeRequest: X-Amz-Target', () => {
  it('routes SQS JSON 1.0 and Kinesis JSON 1.1 / CBOR by prefix', () => {
    expect(route({ headers: { 'x-amz-target': 'AmazonSQS.SendMessage', 'content-type': 'application/x-amz-json-1.0' } })).toEqual({
      kind: 'service',
      service: 'sqs',
      protocol: 'awsJson1_0',
      operation: 'SendMessage',
    });
    expect(route({ headers: { 'x-amz-target': 'Kinesis_20131202.PutRecords', 'content-type': 'application/x-amz-json-1.1' } })).toMatchObject({
      service: 'kinesis',
      protocol: 'awsJson1_1',
    });
    expect(route({ headers: { 'x-amz-target': 'Kinesis_20131202.GetRecords', 'content-type': 'application/x-amz-cbor-1.1' } })).toMatchObject({
      service: 'kinesis',
      protocol: 'cbor',
    });
    // The SQS SDK may send JSON to the queue URL path (useQueueUrlAsEndpoint): the target still decides.
    expect(serviceOf({ path: '/000000000000/q', headers: { 'x-amz-target': 'AmazonSQS.ReceiveMessage', 'content-type': 'application/x-amz-json-1.0' } })).toBe('sqs');
  });

  it('answers unknown prefixes and operations with UnknownOperationException 400 in the caller protocol', () => {
    for (const target of ['DynamoDB_20120810.PutItem', 'AmazonSQS.NoSuchThing', 'Kinesis_20131202.', 'AmazonSQS', '']) {
      const d = route({ headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.0' } });
      expect(d).toMatchObject({ kind: 'error', protocol: 'awsJson1_0', error: { code: 'UnknownOperationException', status: 400 } });
    }
    expect(route({ headers: { 'x-amz-target': 'Kinesis_20131202.Nope', 'content-type': 'application/x-amz-cbor-1.1' } })).toMatchObject({ kind: 'error', protocol: 'cbor' });
    // SNS has a target prefix in its model but speaks only Query: JSON to it is unknown, not routed.
    expect(serviceOf({ headers: { 'x-amz-target': 'AmazonSimpleNotificationService.Publish', 'content-type': 'application/x-amz-json-1.0' } })).toBe(
      'error:UnknownOperationException',
    );
  });

  it('rejects a JSON or CBOR content type without X-Amz-Target', () => {
    expect(route({ headers: { 'content-type': 'application/x-amz-json-1.1' } })).toMatchObject({ kind: 'error', protocol: 'awsJson1_1', error: { status: 400 } });
    expect(route({ headers: { 'content-type': 'application/x-amz-cbor-1.1' } })).toMatchObject({ kind: 'error', protocol: 'cbor', error: { status: 400 } });
  });
});

describe('routeRequest: Query', () => {
  it('uses Version first', () => {
    expect(serviceOf({ body: 'Action=CreateQueue&Version=2012-11-05&QueueName=q' })).toBe('sqs');
    expect(serviceOf({ body: 'Action=Publish&Version=2010-03-31&TopicArn=arn' })).toBe('sns');
    // AddPermission exists in both APIs: Version tells them apart.
    expect(serviceOf({ body: 'Action=AddPermission&Version=2010-03-31' })).toBe('sns');
    expect(serviceOf({ body: 'Action=AddPermission&Version=2012-11-05' })).toBe('sqs');
    expect(serviceOf({ body: 'Action=Publish&Version=1999-01-01' })).toBe('error:NoSuchVersion');
  });

  it('then the SigV4 credential scope, then the queue-URL path, then the action name, then the parameters', () => {
    expect(serviceOf({ body: 'Action=AddPermission', headers: { authorization: auth('sns') } })).toBe('sns');
    expect(serviceOf({ body: 'Action=AddPermission', headers: { authorization: auth('sqs') } })).toBe('sqs');
    expect(serviceOf({ path: '/123456789012/orders.fifo', body: 'Action=SendMessage&MessageBody=x' })).toBe('sqs');
    expect(serviceOf({ body: 'Action=ListTopics' })).toBe('sns');
    expect(serviceOf({ body: 'Action=ListQueues' })).toBe('sqs');
    expect(serviceOf({ body: 'Action=RemovePermission&TopicArn=arn%3Aaws%3Asns' })).toBe('sns');
    expect(serviceOf({ body: 'Action=RemovePermission&QueueUrl=http%3A%2F%2Fx' })).toBe('sqs');
    expect(serviceOf({ body: 'Action=RemovePermission' })).toBe('error:InvalidAction');
  });

  it('answers unknown actions with InvalidAction, a broken form with MalformedQueryString, no action with MissingAction', () => {
    expect(route({ body: 'Action=DropEverything&Version=2012-11-05' })).toMatchObject({ kind: 'error', protocol: 'awsQuery', error: { code: 'InvalidAction', status: 400 } });
    expect(route({ body: 'Action=CreateTopic&Version=2012-11-05' })).toMatchObject({ error: { code: 'InvalidAction' } }); // an SNS action on the SQS API
    expect(route({ body: 'Action=List%ZZ' })).toMatchObject({ kind: 'error', protocol: 'awsQuery', error: { code: 'MalformedQueryString', status: 400 } });
    expect(route({ body: 'QueueName=x' })).toMatchObject({ kind: 'error', protocol: 'awsQuery', error: { code: 'MissingAction', status: 400 } });
    expect(serviceOf({ body: 'QueueName=x', headers: { authorization: auth('sqs') } })).toBe('sqs');
  });

  it('routes the SNS SubscribeURL / UnsubscribeURL GETs and the signing certificate to sns', () => {
    expect(serviceOf({ method: 'GET', path: '/?Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At&Token=abc' })).toBe('sns');
    expect(serviceOf({ method: 'GET', path: '/?Action=Unsubscribe&SubscriptionArn=arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At%3Aid' })).toBe('sns');
    expect(serviceOf({ method: 'GET', path: '/SimpleNotificationService-0123456789abcdef.pem' })).toBe('sns');
    expect(serviceOf({ method: 'GET', path: '/_wharf/sns/held' })).toBe('sns');
  });
});

describe('routeRequest: paths and scope', () => {
  it('routes /v1/… to mq and queue URLs to sqs', () => {
    expect(route({ method: 'GET', path: '/v1/brokers?maxResults=5' })).toEqual({ kind: 'service', service: 'mq', protocol: 'restJson1' });
    expect(serviceOf({ method: 'DELETE', path: '/v1/tags/arn%3Aaws%3Amq?tagKeys=a' })).toBe('mq');
    expect(serviceOf({ method: 'GET', path: '/000000000000/my-queue' })).toBe('sqs');
    expect(serviceOf({ method: 'GET', path: '/000000000000/my-queue?Action=GetQueueAttributes&AttributeName.1=All' })).toBe('sqs');
  });

  it('falls back to the signing service, else an unknown-operation error', () => {
    expect(serviceOf({ method: 'GET', path: '/whatever', headers: { authorization: auth('mq') } })).toBe('mq');
    expect(route({ method: 'GET', path: '/nothing/here' })).toMatchObject({ kind: 'error', protocol: 'restJson1', error: { code: 'UnknownOperationException', status: 404 } });
    // A POST to / that names nothing (no target, no form, no scope): a missing header, 400.
    expect(route({ method: 'POST', path: '/', headers: { 'content-type': 'application/json' } })).toMatchObject({
      kind: 'error',
      protocol: 'awsJson1_1',
      error: { code: 'UnknownOperationException', status: 400 },
    });
    expect(route({ method: 'GET', path: '/?a=%ZZ' })).toMatchObject({ kind: 'error', error: { code: 'MalformedQueryString' } });
  });
});

describe('parseForm', () => {
  it('decodes + and percent escapes, keeps repeated keys, rejects broken escapes', () => {
    expect(parseForm('a=1+2&b=%2F&a=3&flag')).toEqual(
      new Map([
        ['a', ['1 2', '3']],
        ['b', ['/']],
        ['flag', ['']],
      ]),
    );
    expect(parseForm('a=%E0%A4%A')).toBeUndefined();
  });
});
