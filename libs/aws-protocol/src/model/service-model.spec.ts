import { KinesisClient } from '@aws-sdk/client-kinesis';
import { MqClient } from '@aws-sdk/client-mq';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { kinesisModel, mqModel, snsModel, sqsModel } from './services';

type ProtocolSettings = { options?: { defaultNamespace?: string; xmlNamespace?: string; version?: string }; serviceTarget?: string };

describe('service models built from the SDK schemas', () => {
  it.each([
    ['sqs', sqsModel, () => new SQSClient({ region: 'us-east-1' })],
    ['sns', snsModel, () => new SNSClient({ region: 'us-east-1' })],
    ['kinesis', kinesisModel, () => new KinesisClient({ region: 'us-east-1' })],
    ['mq', mqModel, () => new MqClient({ region: 'us-east-1' })],
  ] as const)('%s metadata matches the SDK client protocol settings', (_name, build, client) => {
    const model = build();
    const protocol = client().config.protocol as unknown as ProtocolSettings;
    expect(model.namespace).toBe(protocol.options?.defaultNamespace);
    if (protocol.serviceTarget && model.targetPrefix) expect(model.targetPrefix).toBe(protocol.serviceTarget);
    if (protocol.options?.xmlNamespace) expect(model.xmlNamespace).toBe(protocol.options.xmlNamespace);
    expect(build()).toBe(model); // cached
  });

  it('has every operation and modelled error', () => {
    expect(sqsModel().operations.size).toBe(23);
    expect(snsModel().operations.size).toBe(42);
    expect(kinesisModel().operations.size).toBe(45);
    expect(mqModel().operations.size).toBe(24);
    const qdne = sqsModel().errorsByQueryCode.get('AWS.SimpleQueueService.NonExistentQueue');
    expect(qdne?.name).toBe('QueueDoesNotExist');
    expect(qdne?.status).toBe(400);
    expect(snsModel().errors.get('NotFoundException')?.queryCode).toBe('NotFound');
    expect(snsModel().errors.get('NotFoundException')?.status).toBe(404);
    expect(kinesisModel().errors.get('InternalFailureException')?.sender).toBe(false);
    expect(mqModel().errors.get('NotFoundException')?.status).toBe(404);
  });

  it('precomputes traits: flattened SQS lists, jsonName and http bindings for MQ, event stream member', () => {
    const send = sqsModel().operations.get('ReceiveMessage')?.input;
    expect(send?.kind === 'struct' && send.byName.get('AttributeNames')).toMatchObject({ flattened: true, queryName: 'AttributeName' });
    const create = mqModel().operations.get('CreateUser');
    expect(create?.http).toEqual({ method: 'POST', uri: '/v1/brokers/{BrokerId}/users/{Username}', code: 200 });
    expect(create?.rest?.input.labels.map((m) => m.name)).toEqual(['BrokerId', 'Username']);
    expect(create?.rest?.input.body.map((m) => m.jsonName)).toEqual(['password', 'consoleAccess', 'groups', 'replicationUser']);
    expect(kinesisModel().operations.get('SubscribeToShard')?.eventStreamMember).toBe('EventStream');
  });
});
