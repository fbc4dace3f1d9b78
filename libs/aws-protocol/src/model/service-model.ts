import type { WireProtocol } from '../types';
import { compileShape, translateTraits } from './compile';
import type { Shape, StructShape } from './shapes';
import { buildRestBindings, type RestBindings } from '../rest-json/bindings';
import { RestRouter, type HttpTrait } from '../rest-json/router';

export type ServiceName = 'sqs' | 'sns' | 'kinesis' | 'mq';

export interface OperationModel {
  readonly name: string;
  /** Struct, or unit when the operation takes no input. */
  readonly input: Shape;
  readonly output: Shape;
  readonly http?: HttpTrait;
  /** restJson1 member bindings (labels, query, headers, body), precomputed. */
  readonly rest?: RestBindings;
  /** Output member that is an event stream (Kinesis SubscribeToShard: EventStream). */
  readonly eventStreamMember?: string;
}

export interface ErrorModel {
  /** Shape name, e.g. QueueDoesNotExist. */
  readonly name: string;
  readonly shape: StructShape;
  readonly status: number;
  /** awsQueryError code, else the shape name. */
  readonly queryCode: string;
  readonly sender: boolean;
}

export interface ServiceModel {
  readonly service: ServiceName;
  readonly signingName: string;
  readonly version: string;
  /** Smithy namespace, e.g. com.amazonaws.sqs (JSON __type prefix). */
  readonly namespace: string;
  /** X-Amz-Target prefix, e.g. AmazonSQS. */
  readonly targetPrefix?: string;
  readonly xmlNamespace?: string;
  /** Protocols this service accepts; the first is the SDK's default. */
  readonly protocols: readonly WireProtocol[];
  /** SQS: JSON errors also carry x-amzn-query-error and a namespaced __type. */
  readonly awsQueryCompatible: boolean;
  /** Query code for a malformed parameter value (SQS InvalidParameterValue, SNS InvalidParameter). */
  readonly invalidParameterCode: string;
  readonly operations: ReadonlyMap<string, OperationModel>;
  /** Modelled errors by shape name. */
  readonly errors: ReadonlyMap<string, ErrorModel>;
  readonly errorsByQueryCode: ReadonlyMap<string, ErrorModel>;
  /** restJson1 routing table (MQ). */
  readonly router?: RestRouter<OperationModel>;
}

export interface ServiceDescriptor {
  service: ServiceName;
  signingName: string;
  version: string;
  namespace: string;
  targetPrefix?: string;
  xmlNamespace?: string;
  protocols: WireProtocol[];
  awsQueryCompatible?: boolean;
  invalidParameterCode?: string;
}

/**
 * Builds a model from an SDK client module's exported schemas: operations are the exports shaped
 * `[9, ns, name, traits, input, output]`, errors `[-3, ns, …]` in the service namespace.
 */
export function buildServiceModel(descriptor: ServiceDescriptor, sdkModule: Record<string, unknown>): ServiceModel {
  const operations = new Map<string, OperationModel>();
  const errors = new Map<string, ErrorModel>();
  const errorsByQueryCode = new Map<string, ErrorModel>();
  const isRest = descriptor.protocols.includes('restJson1');
  for (const key of Object.keys(sdkModule)) {
    if (!key.endsWith('$')) continue;
    const value = sdkModule[key];
    if (!Array.isArray(value) || value.length < 5) continue;
    if (value[0] === 9) {
      const op = buildOperation(value, isRest);
      operations.set(op.name, op);
    } else if (value[0] === -3 && value[1] === descriptor.namespace) {
      const shape = compileShape(value) as StructShape;
      const t = shape.error ?? { fault: 'client' };
      const model: ErrorModel = {
        name: shape.name,
        shape,
        status: t.httpError ?? t.queryStatus ?? (t.fault === 'server' ? 500 : 400),
        queryCode: t.queryCode ?? shape.name,
        sender: t.fault !== 'server',
      };
      errors.set(model.name, model);
      errorsByQueryCode.set(model.queryCode, model);
    }
  }
  return {
    service: descriptor.service,
    signingName: descriptor.signingName,
    version: descriptor.version,
    namespace: descriptor.namespace,
    targetPrefix: descriptor.targetPrefix,
    xmlNamespace: descriptor.xmlNamespace,
    protocols: descriptor.protocols,
    awsQueryCompatible: !!descriptor.awsQueryCompatible,
    invalidParameterCode: descriptor.invalidParameterCode ?? 'InvalidParameterValue',
    operations,
    errors,
    errorsByQueryCode,
    router: isRest ? new RestRouter([...operations.values()]) : undefined,
  };
}

function buildOperation(schema: unknown[], isRest: boolean): OperationModel {
  const name = schema[2] as string;
  const traits = translateTraits(schema[3]);
  const input = compileShape(schema[4]);
  const output = compileShape(schema[5]);
  const httpTrait = traits.http as [string, string, number] | undefined;
  const http = httpTrait ? { method: httpTrait[0], uri: httpTrait[1], code: httpTrait[2] } : undefined;
  const eventStreamMember =
    output.kind === 'struct'
      ? output.members.find((m) => m.shape.kind === 'struct' && m.shape.union && m.shape.streaming)?.name
      : undefined;
  return {
    name,
    input,
    output,
    http,
    rest: isRest && http ? buildRestBindings(input, output) : undefined,
    eventStreamMember,
  };
}

/** Find a modelled error by shape name or by its query code. */
export function findError(model: ServiceModel | undefined, code: string): ErrorModel | undefined {
  if (!model) return undefined;
  return model.errors.get(code) ?? model.errorsByQueryCode.get(code);
}
