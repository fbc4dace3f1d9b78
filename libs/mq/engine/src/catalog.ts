import type { BrokerStorageType, DeploymentMode, EngineType } from '@aws-sdk/client-mq';

/** Instance types Amazon MQ offers, per engine. On Wharf the type sets the broker's memory (ActiveMQ heap). */
export const HOST_INSTANCE_TYPES: Record<EngineType, readonly string[]> = {
  ACTIVEMQ: ['mq.t2.micro', 'mq.t3.micro', 'mq.m4.large', 'mq.m5.large', 'mq.m5.xlarge', 'mq.m5.2xlarge', 'mq.m5.4xlarge', 'mq.m7g.medium', 'mq.m7g.large', 'mq.m7g.xlarge', 'mq.m7g.2xlarge', 'mq.m7g.4xlarge', 'mq.m7g.8xlarge', 'mq.m7g.12xlarge', 'mq.m7g.16xlarge'],
  RABBITMQ: ['mq.t3.micro', 'mq.m5.large', 'mq.m5.xlarge', 'mq.m5.2xlarge', 'mq.m5.4xlarge', 'mq.m7g.medium', 'mq.m7g.large', 'mq.m7g.xlarge', 'mq.m7g.2xlarge', 'mq.m7g.4xlarge', 'mq.m7g.8xlarge', 'mq.m7g.12xlarge', 'mq.m7g.16xlarge'],
};

export const ENGINE_TYPES: readonly EngineType[] = ['ACTIVEMQ', 'RABBITMQ'];
export const DEPLOYMENT_MODES: Record<EngineType, readonly DeploymentMode[]> = {
  ACTIVEMQ: ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ'],
  RABBITMQ: ['SINGLE_INSTANCE', 'CLUSTER_MULTI_AZ'],
};

/** Micro instances run a single broker only. */
export const isMicro = (hostInstanceType: string): boolean => /\.(t2|t3)\.micro$/.test(hostInstanceType);

/** Storage types an engine/instance combination allows (EBS for ActiveMQ only on the larger types, single instance). */
export function storageTypesFor(engine: EngineType, hostInstanceType: string): BrokerStorageType[] {
  if (engine === 'RABBITMQ') return ['EBS'];
  return /^mq\.m5\./.test(hostInstanceType) ? ['EBS', 'EFS'] : ['EFS'];
}

export function deploymentModesFor(engine: EngineType, hostInstanceType: string, storageType: BrokerStorageType): DeploymentMode[] {
  if (isMicro(hostInstanceType)) return ['SINGLE_INSTANCE'];
  if (engine === 'ACTIVEMQ' && storageType === 'EBS') return ['SINGLE_INSTANCE'];
  return [...DEPLOYMENT_MODES[engine]];
}

export const DEFAULT_STORAGE: Record<EngineType, BrokerStorageType> = { ACTIVEMQ: 'EFS', RABBITMQ: 'EBS' };

export const availabilityZones = (region: string): string[] => ['a', 'b', 'c'].map((z) => `${region}${z}`);
