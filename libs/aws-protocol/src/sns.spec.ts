import {
  AuthorizationErrorException,
  CreateTopicCommand,
  DeleteTopicCommand,
  GetTopicAttributesCommand,
  InvalidParameterException,
  ListSubscriptionsByTopicCommand,
  ListTopicsCommand,
  NotFoundException,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  SNSServiceException,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from './decode-request';
import { encodeError } from './encode-error';
import { encodeResponse } from './encode-response';
import { AwsError } from './errors';
import { snsModel } from './model/services';
import { CaptureHandler, clientConfig } from './testing/sdk-harness';

const model = snsModel();
const TOPIC = 'arn:aws:sns:us-east-1:000000000000:trucks';

function setup(answer: { output?: unknown; error?: unknown; noModel?: boolean }) {
  const handler = new CaptureHandler();
  const client = new SNSClient(clientConfig(handler));
  const seen: { requestId?: string } = {};
  handler.respond = (req) => {
    const d = decodeRequest(model, req);
    seen.requestId = d.context.requestId;
    if (answer.error !== undefined) return encodeError(answer.noModel ? undefined : model, answer.error, d.context);
    return encodeResponse(model, d.operation, answer.output ?? {}, d.context);
  };
  return { handler, client, seen };
}

const publishInput = {
  TopicArn: TOPIC,
  Message: '{"default":"pos","sqs":"pos\\r\\n"}\r\n& <b>',
  Subject: 'GPS',
  MessageStructure: 'json',
  MessageAttributes: {
    truck: { DataType: 'String', StringValue: 'truck-7' },
    speed: { DataType: 'Number', StringValue: '88.5' },
    raw: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 255]) },
    'with space': { DataType: 'String.Array', StringValue: '["a","b"]' },
  },
  MessageGroupId: 'truck-7',
  MessageDeduplicationId: 'd-1',
};

describe('SNS over AWS Query: SDK → decodeRequest', () => {
  it('Publish: MessageAttributes.entry.N.Name / Value.DataType / Value.BinaryValue', async () => {
    const { handler, client } = setup({ output: { MessageId: 'm-1' } });
    await client.send(new PublishCommand(publishInput));
    const req = handler.last();
    expect(req.body.toString()).toContain('MessageAttributes.entry.1.Name=truck');
    const d = decodeRequest(model, req);
    expect(d.operation).toBe('Publish');
    expect(d.context.protocol).toBe('awsQuery');
    expect(d.input).toEqual(publishInput);
  });

  it.each([
    [
      'CreateTopic (Attributes.entry.N.key/value, Tags.member.N.Key)',
      () => new CreateTopicCommand({ Name: 'trucks.fifo', Attributes: { FifoTopic: 'true', ContentBasedDeduplication: 'false' }, Tags: [{ Key: 'team', Value: 'logistics' }, { Key: 'env', Value: '' }] }),
      { TopicArn: TOPIC },
    ],
    [
      'Subscribe (boolean, map)',
      () => new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q', Attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"truck":[{"prefix":"t"}]}' }, ReturnSubscriptionArn: true }),
      { SubscriptionArn: `${TOPIC}:1` },
    ],
    [
      'PublishBatch (entries with nested maps)',
      () =>
        new PublishBatchCommand({
          TopicArn: TOPIC,
          PublishBatchRequestEntries: [
            { Id: '1', Message: 'a', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
            { Id: '2', Message: 'b', Subject: 's' },
          ],
        }),
      { Successful: [], Failed: [] },
    ],
    ['ListTopics (no input)', () => new ListTopicsCommand({}), {}],
  ] as const)('%s', async (_name, command, output) => {
    const { handler, client } = setup({ output });
    const cmd = command();
    await client.send(cmd as never);
    expect(decodeRequest(model, handler.last()).input).toEqual(cmd.input);
  });
});

describe('SNS over AWS Query: encodeResponse → SDK', () => {
  it('Publish result inside <PublishResult>, request id from header and ResponseMetadata', async () => {
    const { handler, client, seen } = setup({ output: { MessageId: 'm-1', SequenceNumber: '10000000000000000001' } });
    const out = await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' }));
    expect(out.MessageId).toBe('m-1');
    expect(out.SequenceNumber).toBe('10000000000000000001');
    expect(out.$metadata.requestId).toBe(seen.requestId);
    expect(handler.requests.length).toBe(1);
  });

  it('maps (<entry><key/><value/></entry>), lists of structures (<member>), escaping', async () => {
    const attrs = { Attributes: { TopicArn: TOPIC, Policy: '{"Statement":[{"Effect":"Allow"}]}', DisplayName: 'a & b <c> "d"\r\n' } };
    const a = setup({ output: attrs });
    const got = await a.client.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }));
    expect(got.Attributes).toEqual(attrs.Attributes);

    const subs = {
      Subscriptions: [
        { SubscriptionArn: `${TOPIC}:1`, Owner: '000000000000', Protocol: 'sqs', Endpoint: 'arn:aws:sqs:us-east-1:000000000000:q', TopicArn: TOPIC },
        { SubscriptionArn: 'PendingConfirmation', Owner: '000000000000', Protocol: 'https', Endpoint: 'https://example.com/hook', TopicArn: TOPIC },
      ],
      NextToken: 'next',
    };
    const b = setup({ output: subs });
    const { $metadata: _m, ...rest } = await b.client.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
    expect(rest).toEqual(subs);

    const c = setup({ output: { Topics: [{ TopicArn: TOPIC }] } });
    expect((await c.client.send(new ListTopicsCommand({}))).Topics).toEqual([{ TopicArn: TOPIC }]);
  });

  it('unit output (DeleteTopic) has no <Result>', async () => {
    const { handler, client } = setup({});
    handler.respond = (req) => {
      const d = decodeRequest(model, req);
      const res = encodeResponse(model, d.operation, undefined, d.context);
      expect(String(res.body)).not.toContain('DeleteTopicResult');
      return res;
    };
    const out = await client.send(new DeleteTopicCommand({ TopicArn: TOPIC }));
    expect(out.$metadata.httpStatusCode).toBe(200);
  });
});

describe('SNS over AWS Query: encodeError → SDK', () => {
  it.each([
    ['NotFound', 'by query code'],
    ['NotFoundException', 'by shape name'],
  ])('%s (%s) → NotFoundException, 404, Sender', async (code) => {
    const { client, seen } = setup({ error: new AwsError(code, 'Topic does not exist') });
    const err = await client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    const e = err as NotFoundException & { Type?: string; Code?: string };
    expect(e.name).toBe('NotFoundException');
    expect(e.message).toBe('Topic does not exist');
    expect(e.$metadata.httpStatusCode).toBe(404);
    expect(e.$metadata.requestId).toBe(seen.requestId);
    expect(e.Code).toBe('NotFound');
    expect(e.Type).toBe('Sender');
  });

  it('AuthorizationError 403 and InvalidParameter 400 from the schema', async () => {
    const a = setup({ error: new AwsError('AuthorizationError', 'not allowed') });
    const e1 = await a.client.send(new PublishCommand({ TopicArn: TOPIC, Message: 'x' })).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AuthorizationErrorException);
    expect((e1 as AuthorizationErrorException).$metadata.httpStatusCode).toBe(403);

    // A decode failure (bad boolean) surfaces as the modelled InvalidParameterException.
    const b = setup({});
    b.handler.respond = (req) => {
      req.body = Buffer.from(`${req.body.toString()}&ReturnSubscriptionArn=perhaps`);
      try {
        decodeRequest(model, req);
        throw new Error('expected a decode failure');
      } catch (e) {
        return encodeError(model, e, (e as { context: never }).context);
      }
    };
    const e2 = await b.client.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'sqs' })).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InvalidParameterException);
  });

  it('unmodelled code → SNSServiceException named by it; non-AwsError → InternalErrorException 500; model-less works', async () => {
    const a = setup({ error: new AwsError('Throttling', 'slow down', { status: 400 }) });
    const e1 = (await a.client.send(new ListTopicsCommand({})).catch((e: unknown) => e)) as SNSServiceException;
    expect(e1).toBeInstanceOf(SNSServiceException);
    expect(e1.name).toBe('Throttling');

    const b = setup({ error: new RangeError('stack stuff') });
    const e2 = (await b.client.send(new ListTopicsCommand({})).catch((e: unknown) => e)) as SNSServiceException;
    expect(e2.name).toBe('InternalErrorException');
    expect(e2.$metadata.httpStatusCode).toBe(500);
    expect(e2.$fault).toBe('server');

    const c = setup({ noModel: true, error: new AwsError('NotFound', 'gone', { status: 404 }) });
    const e3 = await c.client.send(new ListTopicsCommand({})).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(NotFoundException);
  });
});
