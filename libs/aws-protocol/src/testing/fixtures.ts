import { createHash } from 'node:crypto';

export const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

export const QUEUE_URL = 'http://localhost:4566/000000000000/orders.fifo';

/** Inputs with every wire feature SQS has: nested maps of structures, binary values, lists, numbers. */
export const sendMessageInput = {
  QueueUrl: QUEUE_URL,
  MessageBody: 'line1\r\nline2 <tag attr="x"> & \'quoted\' \u00e9\u{1F600}',
  DelaySeconds: 0,
  MessageAttributes: {
    Str: { DataType: 'String', StringValue: 'hello' },
    Num: { DataType: 'Number', StringValue: '42.5' },
    Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 254, 255]) },
  },
  MessageSystemAttributes: {
    AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
  },
  MessageDeduplicationId: 'dedup-1',
  MessageGroupId: 'truck-7',
};

export const sendMessageBatchInput = {
  QueueUrl: QUEUE_URL,
  Entries: [
    { Id: 'a', MessageBody: 'first', MessageGroupId: 'g1', MessageDeduplicationId: 'd1' },
    {
      Id: 'b',
      MessageBody: 'second',
      DelaySeconds: 5,
      MessageAttributes: { Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([9, 8, 7]) } },
      MessageGroupId: 'g2',
      MessageDeduplicationId: 'd2',
    },
  ],
};

export const createQueueInput = {
  QueueName: 'orders.fifo',
  Attributes: { FifoQueue: 'true', VisibilityTimeout: '30', RedrivePolicy: '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":3}' },
  tags: { team: 'logistics', 'cost center': '42' },
};

export const receiveMessageInput = {
  QueueUrl: QUEUE_URL,
  AttributeNames: ['All' as const],
  MessageSystemAttributeNames: ['SentTimestamp' as const, 'ApproximateReceiveCount' as const],
  MessageAttributeNames: ['All', 'Str'],
  MaxNumberOfMessages: 10,
  VisibilityTimeout: 30,
  WaitTimeSeconds: 20,
  ReceiveRequestAttemptId: 'attempt-1',
};

const body1 = 'hello\r\nworld & <friends> "quoted" \u00e9\u{1F600}';
const body2 = '{"json":true}';

export const receiveMessageOutput = {
  Messages: [
    {
      MessageId: 'm-1',
      ReceiptHandle: 'rh-1',
      MD5OfBody: md5(body1),
      Body: body1,
      Attributes: { SentTimestamp: '1700000000123', ApproximateReceiveCount: '1', MessageGroupId: 'truck-7' },
      MD5OfMessageAttributes: '0123456789abcdef0123456789abcdef',
      MessageAttributes: {
        Str: { DataType: 'String', StringValue: 'hello' },
        Bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 1, 2, 254, 255]) },
      },
    },
    { MessageId: 'm-2', ReceiptHandle: 'rh-2', MD5OfBody: md5(body2), Body: body2 },
  ],
};

export const sendMessageBatchOutput = {
  Successful: [
    { Id: 'a', MessageId: 'm-a', MD5OfMessageBody: md5('first'), SequenceNumber: '18849496460467696128' },
    { Id: 'b', MessageId: 'm-b', MD5OfMessageBody: md5('second'), MD5OfMessageAttributes: 'f'.repeat(32), SequenceNumber: '18849496460467696129' },
  ],
  Failed: [{ Id: 'c', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad body' }],
};
