import type {
  BrokerInstance,
  BrokerStorageType,
  BrokerSummary,
  CreateBrokerRequest,
  CreateBrokerResponse,
  DeleteBrokerRequest,
  DeleteBrokerResponse,
  DeploymentMode,
  DescribeBrokerRequest,
  DescribeBrokerResponse,
  ListBrokersRequest,
  ListBrokersResponse,
  PromoteRequest,
  PromoteResponse,
} from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { checkAuthentication, checkAutoMinorVersionUpgrade, checkConfigurationRef, refuseUnsupported, resolveEngineVersion } from '../broker-options';
import { runCreate, runDelete } from '../broker-lifecycle';
import { DEFAULT_STORAGE, ENGINE_TYPES, HOST_INSTANCE_TYPES, deploymentModesFor, storageTypesFor } from '../catalog';
import { ownedBy, type MqContext } from '../context';
import { badRequest, conflict } from '../errors';
import { brokerArn, newBrokerId } from '../ids';
import { type BrokerRecord, userSummaries } from '../model';
import type { InstanceView } from '../ports';
import {
  checkBrokerName,
  checkDeploymentMode,
  checkEnum,
  checkInitialUsers,
  checkLogs,
  checkMaintenanceWindow,
  checkMaxResults,
  checkTags,
  page,
  required,
} from '../validation';

/* CreateBroker starts the broker's creation in the background (broker-lifecycle.ts); DescribeBroker shows it. */

const STORAGE_TYPES: readonly BrokerStorageType[] = ['EBS', 'EFS'];

export async function CreateBroker(ctx: MqContext, input: CreateBrokerRequest, caller: Caller): Promise<CreateBrokerResponse> {
  if (input.CreatorRequestId) {
    const existing = [...ctx.brokers.values()].find((b) => b.creatorRequestId === input.CreatorRequestId && ownedBy(b.brokerArn, caller));
    if (existing) return { BrokerArn: existing.brokerArn, BrokerId: existing.brokerId };
  }
  const brokerName = checkBrokerName(input.BrokerName);
  const engineType = checkEnum(input.EngineType, ENGINE_TYPES, 'engineType');
  const deploymentMode = checkEnum(input.DeploymentMode, ['SINGLE_INSTANCE', 'ACTIVE_STANDBY_MULTI_AZ', 'CLUSTER_MULTI_AZ'] as DeploymentMode[], 'deploymentMode');
  const hostInstanceType = required(input.HostInstanceType, 'hostInstanceType');
  if (typeof input.PubliclyAccessible !== 'boolean') throw badRequest('publiclyAccessible', 'The request must include publiclyAccessible.');
  if (!HOST_INSTANCE_TYPES[engineType].includes(hostInstanceType)) {
    throw badRequest('hostInstanceType', `Host instance type ${hostInstanceType} is not supported for ${engineType}.`);
  }
  const storageType = input.StorageType === undefined ? DEFAULT_STORAGE[engineType] : checkEnum(input.StorageType, STORAGE_TYPES, 'storageType');
  if (!storageTypesFor(engineType, hostInstanceType).includes(storageType)) {
    throw badRequest('storageType', `Storage type ${storageType} is not supported for ${engineType} on ${hostInstanceType}.`);
  }
  checkDeploymentMode(engineType, deploymentMode, deploymentModesFor(engineType, hostInstanceType, storageType));
  const backend = ctx.backend(engineType);
  await backend.ready?.();
  if (!backend.deploymentModes().includes(deploymentMode)) {
    throw badRequest('deploymentMode', `Deployment mode ${deploymentMode} cannot be honoured by this Wharf's ${engineType} backend (supported here: ${backend.deploymentModes().join(', ')}).`);
  }
  const authenticationStrategy = checkAuthentication(engineType, input.AuthenticationStrategy);
  refuseUnsupported(input);
  if (input.DataReplicationPrimaryBrokerArn) throw badRequest('dataReplicationPrimaryBrokerArn', 'Cross-region data replication (CRDR) is not supported by Wharf.');
  const engineVersion = resolveEngineVersion(ctx, engineType, input.EngineVersion);
  const autoMinorVersionUpgrade = checkAutoMinorVersionUpgrade(engineType, engineVersion, input.AutoMinorVersionUpgrade);
  const users = checkInitialUsers(engineType, input.Users);
  const tags = checkTags(input.Tags);
  const configuration = checkConfigurationRef(ctx, engineType, input.Configuration, caller);
  const maintenanceWindowStartTime = checkMaintenanceWindow(input.MaintenanceWindowStartTime) ?? { DayOfWeek: 'SUNDAY', TimeOfDay: '00:00', TimeZone: 'UTC' };
  const logs = checkLogs(engineType, input.Logs);
  if (input.EncryptionOptions && typeof input.EncryptionOptions.UseAwsOwnedKey !== 'boolean') {
    throw badRequest('useAwsOwnedKey', 'encryptionOptions.useAwsOwnedKey is required.');
  }
  const maxSubnets = deploymentMode === 'SINGLE_INSTANCE' ? 1 : deploymentMode === 'ACTIVE_STANDBY_MULTI_AZ' ? 2 : 3;
  if ((input.SubnetIds?.length ?? 0) > maxSubnets) throw badRequest('subnetIds', `${deploymentMode} takes at most ${maxSubnets} subnet ids.`);
  if ((input.SecurityGroups?.length ?? 0) > 5) throw badRequest('securityGroups', 'A broker has at most 5 security groups.');
  if ([...ctx.brokers.values()].some((b) => b.brokerName === brokerName)) {
    throw conflict('brokerName', `A broker named ${brokerName} already exists in this account and region.`);
  }

  const brokerId = newBrokerId();
  const record: BrokerRecord = {
    brokerId,
    brokerArn: brokerArn(caller, brokerName, brokerId),
    brokerName,
    engineType,
    engineVersion,
    deploymentMode,
    hostInstanceType,
    storageType,
    publiclyAccessible: input.PubliclyAccessible,
    autoMinorVersionUpgrade,
    authenticationStrategy,
    created: ctx.now(),
    state: 'CREATION_IN_PROGRESS',
    creatorRequestId: input.CreatorRequestId,
    configurations: { current: configuration, history: [] },
    logs,
    maintenanceWindowStartTime,
    securityGroups: input.SecurityGroups ?? [],
    subnetIds: input.SubnetIds ?? [],
    encryptionOptions: input.EncryptionOptions ?? { UseAwsOwnedKey: true },
    tags,
    users: users.map((u) => ({
      username: u.Username as string,
      current: { password: u.Password as string, consoleAccess: !!u.ConsoleAccess, groups: u.Groups ?? [], replicationUser: false },
    })),
    pending: {},
    actionsRequired: [],
  };
  await backend.checkCreate?.(record);
  if ([...ctx.brokers.values()].some((b) => b.brokerName === brokerName)) {
    throw conflict('brokerName', `A broker named ${brokerName} already exists in this account and region.`);
  }
  await ctx.saveBroker(record);
  ctx.background(brokerId, () => runCreate(ctx, brokerId));
  return { BrokerArn: record.brokerArn, BrokerId: brokerId };
}

const ROLE_ORDER: Record<InstanceView['role'], number> = { active: 0, standby: 1, starting: 2, down: 3 };

/** Instances as DescribeBroker lists them: the active one first (Wharf's way of showing which is active). */
async function brokerInstances(ctx: MqContext, b: BrokerRecord): Promise<InstanceView[]> {
  if (b.state === 'CREATION_FAILED' || b.state === 'DELETION_IN_PROGRESS') return [];
  const views = await ctx.backend(b.engineType).instances(b);
  return views.map((v, i) => ({ v, i })).sort((x, y) => ROLE_ORDER[x.v.role] - ROLE_ORDER[y.v.role] || x.i - y.i).map((x) => x.v);
}

export async function DescribeBroker(ctx: MqContext, input: DescribeBrokerRequest, caller: Caller): Promise<DescribeBrokerResponse> {
  const b = ctx.broker(input.BrokerId, caller);
  const instances: BrokerInstance[] = (await brokerInstances(ctx, b)).map((v) => ({
    ConsoleURL: v.consoleURL,
    Endpoints: v.endpoints,
    IpAddress: v.ipAddress,
  }));
  const p = b.pending;
  return {
    ActionsRequired: b.actionsRequired,
    AuthenticationStrategy: b.authenticationStrategy,
    AutoMinorVersionUpgrade: b.autoMinorVersionUpgrade,
    BrokerArn: b.brokerArn,
    BrokerId: b.brokerId,
    BrokerInstances: instances,
    BrokerName: b.brokerName,
    BrokerState: b.state,
    Configurations: {
      Current: b.configurations.current,
      History: b.configurations.history,
      Pending: p.configuration,
    },
    Created: new Date(b.created),
    DeploymentMode: b.deploymentMode,
    EncryptionOptions: b.encryptionOptions,
    EngineType: b.engineType,
    EngineVersion: b.engineVersion,
    HostInstanceType: b.hostInstanceType,
    Logs: {
      General: !!b.logs.General,
      GeneralLogGroup: `/aws/amazonmq/broker/${b.brokerId}/general`,
      Audit: b.engineType === 'ACTIVEMQ' ? !!b.logs.Audit : undefined,
      AuditLogGroup: b.engineType === 'ACTIVEMQ' ? `/aws/amazonmq/broker/${b.brokerId}/audit` : undefined,
      Pending: p.logs,
    },
    MaintenanceWindowStartTime: b.maintenanceWindowStartTime,
    PendingAuthenticationStrategy: p.authenticationStrategy,
    PendingEngineVersion: p.engineVersion,
    PendingHostInstanceType: p.hostInstanceType,
    PendingSecurityGroups: p.securityGroups,
    PubliclyAccessible: b.publiclyAccessible,
    SecurityGroups: b.securityGroups,
    StorageType: b.storageType,
    SubnetIds: b.subnetIds,
    Tags: b.tags,
    Users: userSummaries(b),
    DataReplicationMode: 'NONE',
  };
}

/** The caller's brokers, oldest first. */
function sortedBrokers(ctx: MqContext, caller: Caller): BrokerRecord[] {
  return [...ctx.brokers.values()].filter((b) => ownedBy(b.brokerArn, caller)).sort((a, b) => a.created.localeCompare(b.created) || a.brokerId.localeCompare(b.brokerId));
}

export async function ListBrokers(ctx: MqContext, input: ListBrokersRequest, caller: Caller): Promise<ListBrokersResponse> {
  const max = checkMaxResults(input.MaxResults, 1, 100, 20);
  const { items, nextToken } = page(sortedBrokers(ctx, caller), max, input.NextToken);
  const summaries: BrokerSummary[] = items.map((b) => ({
    BrokerArn: b.brokerArn,
    BrokerId: b.brokerId,
    BrokerName: b.brokerName,
    BrokerState: b.state,
    Created: new Date(b.created),
    DeploymentMode: b.deploymentMode,
    EngineType: b.engineType,
    HostInstanceType: b.hostInstanceType,
  }));
  return { BrokerSummaries: summaries, NextToken: nextToken };
}

export async function DeleteBroker(ctx: MqContext, input: DeleteBrokerRequest, caller: Caller): Promise<DeleteBrokerResponse> {
  const b = ctx.broker(input.BrokerId, caller);
  if (b.state !== 'DELETION_IN_PROGRESS') {
    b.state = 'DELETION_IN_PROGRESS';
    await ctx.saveBroker(b);
    ctx.background(b.brokerId, () => runDelete(ctx, b.brokerId));
  }
  return { BrokerId: b.brokerId };
}

export async function Promote(ctx: MqContext, input: PromoteRequest, caller: Caller): Promise<PromoteResponse> {
  const b = ctx.broker(input.BrokerId, caller);
  checkEnum(input.Mode, ['SWITCHOVER', 'FAILOVER'], 'mode');
  throw badRequest('broker-id', `Promote applies to brokers in a cross-region data replication (CRDR) pair; broker ${b.brokerId} has none (Wharf does not offer CRDR).`);
}
