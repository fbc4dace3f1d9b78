import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { errorTypeRegistries } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from './decode-request';
import { encodeError } from './encode-error';
import { encodeResponse } from './encode-response';
import { AwsError } from './errors';
import { sqsModel } from './model/services';
import type { RequestContext } from './types';
import { CaptureHandler, clientConfig } from './testing/sdk-harness';
import {
  createQueueInput,
  md5,
  QUEUE_URL,
  receiveMessageInput,
  receiveMessageOutput,
  sendMessageBatchInput,
  sendMessageBatchOutput,
  sendMessageInput,
} from './testing/fixtures';

const model = sqsModel();

// SDK v3 speaks JSON 1.0 to SQS by default; AwsQueryProtocol + its settings make it a Query client
// (what SDKs before 3.447 and the CLI before 2.13.34 send). Every SQS test runs over both.
const PROTOCOLS = [
  ['AWS JSON 1.0', 'awsJson1_0', {}],
  [
    'AWS Query',
    'awsQuery',
    {
      protocol: AwsQueryProtocol,
      protocolSettings: {
        defaultNamespace: 'com.amazonaws.sqs',
        xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
        version: '2012-11-05',
        errorTypeRegistries,
      },
    },
  ],
] as const;

describe.each(PROTOCOLS)('SQS over %s', (_label, wire, protocolConfig) => {
  // See the AttributeName.N test below for why Query leaves out MessageSystemAttributeNames here.
  const { MessageSystemAttributeNames: _sys, ...receiveQueryInput } = receiveMessageInput;
  const receiveInput = wire === 'awsQuery' ? receiveQueryInput : receiveMessageInput;
  // …and on the Query wire one AttributeName.N list feeds both members.
  const receiveExpected = wire === 'awsQuery' ? { ...receiveQueryInput, MessageSystemAttributeNames: receiveQueryInput.AttributeNames } : receiveMessageInput;
  function setup() {
    const handler = new CaptureHandler();
    const client = new SQSClient({ ...clientConfig(handler), ...protocolConfig } as SQSClientConfig);
    return { handler, client };
  }

  /** Decodes what the SDK sent and answers with encodeResponse(output) or encodeError(error). */
  function serve(handler: CaptureHandler, answer: { output?: unknown; error?: unknown; model?: typeof model | undefined }) {
    let decodedContext: RequestContext | undefined;
    handler.respond = (req) => {
      const decoded = decodeRequest(model, req);
      decodedContext = decoded.context;
      if (answer.error !== undefined) return encodeError('model' in answer ? answer.model : model, answer.error, decoded.context);
      return encodeResponse(model, decoded.operation, answer.output ?? {}, decoded.context);
    };
    return () => decodedContext as RequestContext;
  }

  describe('SDK → decodeRequest', () => {
    it('decodes SendMessage with String, Number and Binary message attributes and system attributes', async () => {
      const { handler, client } = setup();
      serve(handler, { output: { MessageId: 'x', MD5OfMessageBody: md5(sendMessageInput.MessageBody) } });
      await client.send(new SendMessageCommand(sendMessageInput));
      const req = handler.last();
      if (wire === 'awsJson1_0') {
        expect(req.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
        expect(req.headers['x-amzn-query-mode']).toBe('true');
      } else {
        expect(req.body.toString()).toMatch(/^Action=SendMessage&Version=2012-11-05&/);
      }
      const decoded = decodeRequest(model, req);
      expect(decoded.operation).toBe('SendMessage');
      expect(decoded.context.protocol).toBe(wire);
      expect(decoded.context.region).toBe('us-east-1');
      expect(decoded.context.accessKeyId).toBe('AKIDEXAMPLE');
      expect(decoded.input).toEqual(sendMessageInput);
    });

    it.each([
      ['SendMessageBatch', () => new SendMessageBatchCommand(sendMessageBatchInput), sendMessageBatchInput, { Successful: [], Failed: [] }],
      ['CreateQueue', () => new CreateQueueCommand(createQueueInput), createQueueInput, { QueueUrl: QUEUE_URL }],
      ['ReceiveMessage', () => new ReceiveMessageCommand(receiveInput), receiveExpected, {}],
      [
        'ChangeMessageVisibilityBatch',
        () =>
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: QUEUE_URL,
            Entries: [
              { Id: '1', ReceiptHandle: 'rh-1', VisibilityTimeout: 0 },
              { Id: '2', ReceiptHandle: 'rh-2', VisibilityTimeout: 43200 },
            ],
          }),
        {
          QueueUrl: QUEUE_URL,
          Entries: [
            { Id: '1', ReceiptHandle: 'rh-1', VisibilityTimeout: 0 },
            { Id: '2', ReceiptHandle: 'rh-2', VisibilityTimeout: 43200 },
          ],
        },
        { Successful: [], Failed: [] },
      ],
      ['ListQueues (no input members)', () => new ListQueuesCommand({}), {}, {}],
    ] as const)('decodes %s', async (_name, command, input, output) => {
      const { handler, client } = setup();
      serve(handler, { output });
      await client.send(command() as never);
      expect(decodeRequest(model, handler.last()).input).toEqual(input);
    });
    it('Query: AttributeNames and MessageSystemAttributeNames share the wire name AttributeName.N', async () => {
      // Both members are flattened with xmlName AttributeName, so the SDK's Query serializer writes them
      // over each other; the last one written wins on the server, for both members.
      if (wire !== 'awsQuery') return;
      const { handler, client } = setup();
      serve(handler, { output: {} });
      await client.send(new ReceiveMessageCommand(receiveMessageInput));
      expect(handler.last().body.toString()).toContain('AttributeName.1=All');
      const input = decodeRequest(model, handler.last()).input;
      expect(input.AttributeNames).toEqual(receiveMessageInput.MessageSystemAttributeNames);
      expect(input.MessageSystemAttributeNames).toEqual(receiveMessageInput.MessageSystemAttributeNames);
    });
  });

  describe('encodeResponse → SDK', () => {
    it('ReceiveMessage with system attributes, message attributes, binary values and CR in bodies (MD5 checked by the SDK)', async () => {
      const { handler, client } = setup();
      const ctx = serve(handler, { output: receiveMessageOutput });
      const out = await client.send(new ReceiveMessageCommand(receiveMessageInput));
      const { $metadata, ...rest } = out;
      expect(rest).toEqual(receiveMessageOutput);
      expect($metadata.requestId).toBe(ctx().requestId);
      expect($metadata.httpStatusCode).toBe(200);
    });

    it('SendMessage and SendMessageBatch results (MD5OfMessageBody verified by the SDK)', async () => {
      const { handler, client } = setup();
      serve(handler, { output: { MessageId: 'id-1', MD5OfMessageBody: md5(sendMessageInput.MessageBody), SequenceNumber: '1' } });
      const one = await client.send(new SendMessageCommand(sendMessageInput));
      expect(one.MessageId).toBe('id-1');
      expect(one.SequenceNumber).toBe('1');

      serve(handler, { output: sendMessageBatchOutput });
      const batch = await client.send(new SendMessageBatchCommand({ ...sendMessageBatchInput, Entries: [...sendMessageBatchInput.Entries, { Id: 'c', MessageBody: 'x' }] }));
      const { $metadata: _m, ...rest } = batch;
      expect(rest).toEqual(sendMessageBatchOutput);
    });

    it('maps and lists: GetQueueAttributes, ListQueues', async () => {
      const { handler, client } = setup();
      const attrs = { Attributes: { QueueArn: 'arn:aws:sqs:us-east-1:000000000000:q', VisibilityTimeout: '30' } };
      serve(handler, { output: attrs });
      const got = await client.send(new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL, AttributeNames: ['All'] }));
      expect(got.Attributes).toEqual(attrs.Attributes);

      serve(handler, { output: { QueueUrls: [QUEUE_URL, `${QUEUE_URL}2`], NextToken: 'n' } });
      const list = await client.send(new ListQueuesCommand({}));
      expect(list.QueueUrls).toEqual([QUEUE_URL, `${QUEUE_URL}2`]);
      expect(list.NextToken).toBe('n');
    });
  });

  describe('encodeError → SDK', () => {
    it.each([
      ['shape name', new AwsError('QueueDoesNotExist', 'The specified queue does not exist.')],
      ['query code', new AwsError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.')],
    ])('QueueDoesNotExist by %s → modelled exception, 400, query-compat fields', async (_by, error) => {
      const { handler, client } = setup();
      const ctx = serve(handler, { error });
      const err = await client.send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueDoesNotExist);
      const e = err as QueueDoesNotExist & { Code?: string; Type?: string };
      expect(e.name).toBe('QueueDoesNotExist');
      expect(e.message).toBe('The specified queue does not exist.');
      expect(e.$metadata.httpStatusCode).toBe(400);
      expect(e.$metadata.requestId).toBe(ctx().requestId);
      expect(e.$fault).toBe('client');
      expect(e.Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
      expect(e.Type).toBe('Sender');
    });

    it('status comes from the schema when the engine gives only the code (PurgeQueueInProgress 403)', async () => {
      const { handler, client } = setup();
      serve(handler, { error: new AwsError('PurgeQueueInProgress', 'Only one PurgeQueue operation on q is allowed every 60 seconds.') });
      const err = await client.send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PurgeQueueInProgress);
      expect((err as PurgeQueueInProgress).$metadata.httpStatusCode).toBe(403);
    });

    it('an unmodelled code becomes SQSServiceException with that name', async () => {
      const { handler, client } = setup();
      serve(handler, { error: new AwsError('AccessDenied', 'nope', { status: 403 }) });
      const err = await client.send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SQSServiceException);
      expect((err as SQSServiceException).name).toBe('AccessDenied');
      expect((err as SQSServiceException).message).toBe('nope');
      expect((err as SQSServiceException).$metadata.httpStatusCode).toBe(403);
    });

    it('a non-AwsError is a 500 InternalFailure without the stack', async () => {
      const { handler, client } = setup();
      serve(handler, { error: new Error('redis exploded at /secret/path.ts:12') });
      const err = (await client.send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL })).catch((e: unknown) => e)) as SQSServiceException;
      expect(err.name).toBe(wire === 'awsQuery' ? 'InternalError' : 'InternalFailure');
      expect(err.$metadata.httpStatusCode).toBe(500);
      expect(err.$fault).toBe('server');
      expect(err.message).not.toContain('secret');
    });

    it('model-less encodeError is still understood by the SDK', async () => {
      const { handler, client } = setup();
      serve(handler, { model: undefined, error: new AwsError('QueueDoesNotExist', 'gone', { status: 400 }) });
      const err = await client.send(new PurgeQueueCommand({ QueueUrl: QUEUE_URL })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueueDoesNotExist);
      expect((err as QueueDoesNotExist).message).toBe('gone');
    });
  });
});
