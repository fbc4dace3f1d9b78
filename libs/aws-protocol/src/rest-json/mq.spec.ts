import {
  BadRequestException,
  CreateBrokerCommand,
  CreateTagsCommand,
  CreateUserCommand,
  DeleteTagsCommand,
  DescribeBrokerCommand,
  InternalServerErrorException,
  ListBrokersCommand,
  ListTagsCommand,
  MqClient,
  MqServiceException,
  NotFoundException,
  RebootBrokerCommand,
  UpdateBrokerCommand,
} from '@aws-sdk/client-mq';
import { describe, expect, it } from 'vitest';
import { decodeRequest } from '../decode-request';
import { encodeError } from '../encode-error';
import { encodeResponse } from '../encode-response';
import { AwsError } from '../errors';
import { mqModel } from '../model/services';
import { CaptureHandler, clientConfig } from '../testing/sdk-harness';

const model = mqModel();
const BROKER_ARN = 'arn:aws:mq:us-east-1:000000000000:broker:orders:b-1234';

function setup(answer: { output?: unknown; error?: unknown; noModel?: boolean }) {
  const handler = new CaptureHandler();
  const client = new MqClient(clientConfig(handler));
  const seen: { requestId?: string; status?: number; body?: string } = {};
  handler.respond = (req) => {
    const d = decodeRequest(model, req);
    seen.requestId = d.context.requestId;
    const res = answer.error !== undefined ? encodeError(answer.noModel ? undefined : model, answer.error, d.context) : encodeResponse(model, d.operation, answer.output ?? {}, d.context);
    seen.status = res.status;
    seen.body = String(res.body);
    return res;
  };
  return { handler, client, seen };
}

const createBrokerInput = {
  BrokerName: 'orders',
  DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' as const,
  EngineType: 'ACTIVEMQ' as const,
  HostInstanceType: 'mq.m5.large',
  PubliclyAccessible: false,
  AutoMinorVersionUpgrade: true,
  Configuration: { Id: 'c-1', Revision: 2 },
  CreatorRequestId: 'req-token-1',
  EncryptionOptions: { UseAwsOwnedKey: true },
  EngineVersion: '5.18',
  Logs: { Audit: false, General: true },
  MaintenanceWindowStartTime: { DayOfWeek: 'MONDAY' as const, TimeOfDay: '03:00', TimeZone: 'UTC' },
  SecurityGroups: ['sg-1', 'sg-2'],
  StorageType: 'EFS' as const,
  SubnetIds: ['subnet-a'],
  Tags: { team: 'orders', 'a:b': 'c d' },
  Users: [{ Username: 'admin', Password: 'correct-horse-battery', ConsoleAccess: true, Groups: ['admins'], ReplicationUser: false }],
};

describe('MQ over restJson1: SDK → decodeRequest (routes, labels, query, body)', () => {
  it('CreateBroker: POST /v1/brokers, lowerCamelCase body with nested structures, lists, maps, booleans', async () => {
    const { handler, client } = setup({ output: { BrokerArn: BROKER_ARN, BrokerId: 'b-1234' } });
    await client.send(new CreateBrokerCommand(createBrokerInput));
    const req = handler.last();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/brokers');
    expect(JSON.parse(req.body.toString())).toHaveProperty('brokerName', 'orders');
    const d = decodeRequest(model, req);
    expect(d.operation).toBe('CreateBroker');
    expect(d.context.protocol).toBe('restJson1');
    expect(d.input).toEqual(createBrokerInput);
  });

  it.each([
    ['CreateUser (two labels + body)', () => new CreateUserCommand({ BrokerId: 'b-1234', Username: 'app user', Password: 'pa55word-long!', ConsoleAccess: false, Groups: ['g'] }), {}],
    ['DescribeBroker (GET label)', () => new DescribeBrokerCommand({ BrokerId: 'b-1234' }), {}],
    ['UpdateBroker (PUT label + body)', () => new UpdateBrokerCommand({ BrokerId: 'b-1234', EngineVersion: '5.18.4', Logs: { General: false }, SecurityGroups: [] }), {}],
    ['ListBrokers (query maxResults + nextToken)', () => new ListBrokersCommand({ MaxResults: 50, NextToken: 'tok en/+=' }), {}],
    ['RebootBroker (POST label + literal suffix)', () => new RebootBrokerCommand({ BrokerId: 'b-1234' }), {}],
    ['CreateTags (ARN label with : , map body, 204)', () => new CreateTagsCommand({ ResourceArn: BROKER_ARN, Tags: { k: 'v' } }), {}],
    ['DeleteTags (ARN label + repeated tagKeys query)', () => new DeleteTagsCommand({ ResourceArn: BROKER_ARN, TagKeys: ['a', 'b c', 'd&e'] }), {}],
  ] as const)('%s', async (_name, command, output) => {
    const { handler, client } = setup({ output });
    const cmd = command();
    await client.send(cmd as never);
    const d = decodeRequest(model, handler.last());
    expect(d.operation).toBe(cmd.constructor.name.replace(/Command$/, ''));
    expect(d.input).toEqual(cmd.input);
  });
});

describe('MQ over restJson1: encodeResponse → SDK', () => {
  it('DescribeBroker: jsonName keys, ISO-8601 timestamps, nested lists', async () => {
    const output = {
      BrokerArn: BROKER_ARN,
      BrokerId: 'b-1234',
      BrokerName: 'orders',
      BrokerState: 'RUNNING' as const,
      Created: new Date('2024-03-01T10:20:30.456Z'),
      DeploymentMode: 'ACTIVE_STANDBY_MULTI_AZ' as const,
      EngineType: 'ACTIVEMQ' as const,
      EngineVersion: '5.18',
      AutoMinorVersionUpgrade: true,
      PubliclyAccessible: false,
      BrokerInstances: [
        { ConsoleURL: 'http://localhost:8161', Endpoints: ['ssl://localhost:61617', 'amqp+ssl://localhost:5671'], IpAddress: '127.0.0.1' },
        { ConsoleURL: 'http://localhost:8162', Endpoints: ['ssl://localhost:61627'], IpAddress: '127.0.0.1' },
      ],
      Users: [{ Username: 'admin', PendingChange: 'CREATE' as const }],
      Tags: { team: 'orders' },
      Configurations: { Current: { Id: 'c-1', Revision: 2 }, History: [{ Id: 'c-1', Revision: 1 }] },
    };
    const { client, seen } = setup({ output });
    const { $metadata, ...rest } = await client.send(new DescribeBrokerCommand({ BrokerId: 'b-1234' }));
    expect(rest).toEqual(output);
    expect($metadata.requestId).toBe(seen.requestId);
    expect(seen.body).toContain('"created":"2024-03-01T10:20:30.456Z"');
    expect(seen.body).toContain('"brokerInstances"');
  });

  it('ListBrokers and ListTags; CreateTags answers 204 with no body', async () => {
    const list = { BrokerSummaries: [{ BrokerId: 'b-1', DeploymentMode: 'SINGLE_INSTANCE' as const, EngineType: 'RABBITMQ' as const, Created: new Date(1700000000000) }], NextToken: 'n' };
    const a = setup({ output: list });
    const { $metadata: _m, ...rest } = await a.client.send(new ListBrokersCommand({}));
    expect(rest).toEqual(list);

    const b = setup({ output: { Tags: { a: 'b' } } });
    expect((await b.client.send(new ListTagsCommand({ ResourceArn: BROKER_ARN }))).Tags).toEqual({ a: 'b' });

    const c = setup({});
    const out = await c.client.send(new CreateTagsCommand({ ResourceArn: BROKER_ARN, Tags: { k: 'v' } }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect(c.seen.body).toBe('');
  });
});

describe('MQ over restJson1: encodeError → SDK', () => {
  it('NotFoundException: 404, x-amzn-ErrorType, message and errorAttribute', async () => {
    const { client, seen } = setup({ error: new AwsError('NotFoundException', "Can't find requested broker [b-9].", { extra: { ErrorAttribute: 'broker-id' } }) });
    const err = await client.send(new DescribeBrokerCommand({ BrokerId: 'b-9' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundException);
    const e = err as NotFoundException;
    expect(e.name).toBe('NotFoundException');
    expect(e.message).toBe("Can't find requested broker [b-9].");
    expect(e.ErrorAttribute).toBe('broker-id');
    expect(e.$metadata.httpStatusCode).toBe(404);
    expect(e.$metadata.requestId).toBe(seen.requestId);
    expect(JSON.parse(seen.body ?? '')).toEqual({ message: "Can't find requested broker [b-9].", errorAttribute: 'broker-id' });
  });

  it('BadRequestException 400 (errorAttribute given by its jsonName too)', async () => {
    const { client } = setup({ error: new AwsError('BadRequestException', 'bad name', { extra: { errorAttribute: 'brokerName' } }) });
    const err = await client.send(new CreateBrokerCommand(createBrokerInput)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    expect((err as BadRequestException).$metadata.httpStatusCode).toBe(400);
    expect((err as BadRequestException).ErrorAttribute).toBe('brokerName');
  });

  it('unmodelled, internal and model-less errors', async () => {
    const a = setup({ error: new AwsError('TooManyRequestsException', 'slow', { status: 429 }) });
    const e1 = (await a.client.send(new ListBrokersCommand({})).catch((e: unknown) => e)) as MqServiceException;
    expect(e1).toBeInstanceOf(MqServiceException);
    expect(e1.name).toBe('TooManyRequestsException');
    expect(e1.$metadata.httpStatusCode).toBe(429);

    const b = setup({ error: new Error('activemq pid file') });
    const e2 = await b.client.send(new ListBrokersCommand({})).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InternalServerErrorException);
    expect((e2 as InternalServerErrorException).$metadata.httpStatusCode).toBe(500);
    expect((e2 as Error).message).not.toContain('activemq');

    const c = setup({ noModel: true, error: new AwsError('NotFoundException', 'gone', { status: 404 }) });
    expect(await c.client.send(new ListBrokersCommand({})).catch((e: unknown) => e)).toBeInstanceOf(NotFoundException);
  });

  it('an unknown route is a 404 the SDK can parse', async () => {
    const handler = new CaptureHandler();
    const client = new MqClient(clientConfig(handler));
    handler.respond = (req) => {
      try {
        decodeRequest(model, { ...req, path: '/v1/nowhere' });
      } catch (e) {
        return encodeError(model, e, (e as { context: never }).context);
      }
      throw new Error('expected no route');
    };
    const err = (await client.send(new ListBrokersCommand({})).catch((e: unknown) => e)) as MqServiceException;
    expect(err.name).toBe('UnknownOperationException');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });
});
