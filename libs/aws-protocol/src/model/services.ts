import { buildServiceModel, type ServiceDescriptor, type ServiceModel } from './service-model';

// Service metadata the SDK keeps in its (unexported) runtime config protocolSettings; checked against a
// real client in service-model.spec.ts.
export const SQS: ServiceDescriptor = {
  service: 'sqs',
  signingName: 'sqs',
  version: '2012-11-05',
  namespace: 'com.amazonaws.sqs',
  targetPrefix: 'AmazonSQS',
  xmlNamespace: 'http://queue.amazonaws.com/doc/2012-11-05/',
  protocols: ['awsJson1_0', 'awsQuery'],
  awsQueryCompatible: true,
  invalidParameterCode: 'InvalidParameterValue',
};

export const SNS: ServiceDescriptor = {
  service: 'sns',
  signingName: 'sns',
  version: '2010-03-31',
  namespace: 'com.amazonaws.sns',
  targetPrefix: 'AmazonSimpleNotificationService',
  xmlNamespace: 'http://sns.amazonaws.com/doc/2010-03-31/',
  protocols: ['awsQuery'],
  invalidParameterCode: 'InvalidParameter',
};

export const KINESIS: ServiceDescriptor = {
  service: 'kinesis',
  signingName: 'kinesis',
  version: '2013-12-02',
  namespace: 'com.amazonaws.kinesis',
  targetPrefix: 'Kinesis_20131202',
  xmlNamespace: 'http://kinesis.amazonaws.com/doc/2013-12-02',
  protocols: ['awsJson1_1', 'cbor'],
};

export const MQ: ServiceDescriptor = {
  service: 'mq',
  signingName: 'mq',
  version: '2017-11-27',
  namespace: 'com.amazonaws.mq',
  protocols: ['restJson1'],
};

// Lazily required so a service loads only its own SDK client (~40 ms each); built once, then cached.
const cache = new Map<string, ServiceModel>();
function load(descriptor: ServiceDescriptor, sdk: () => Record<string, unknown>): ServiceModel {
  let model = cache.get(descriptor.service);
  if (!model) cache.set(descriptor.service, (model = buildServiceModel(descriptor, sdk())));
  return model;
}

export function sqsModel(): ServiceModel {
  return load(SQS, () => require('@aws-sdk/client-sqs'));
}
export function snsModel(): ServiceModel {
  return load(SNS, () => require('@aws-sdk/client-sns'));
}
export function kinesisModel(): ServiceModel {
  return load(KINESIS, () => require('@aws-sdk/client-kinesis'));
}
export function mqModel(): ServiceModel {
  return load(MQ, () => require('@aws-sdk/client-mq'));
}
