import type {
  RebootBrokerRequest,
  RebootBrokerResponse,
  UpdateBrokerRequest,
  UpdateBrokerResponse,
} from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { runReboot } from '../broker-lifecycle';
import { checkAuthentication, checkAutoMinorVersionUpgrade, checkConfigurationRef, refuseUnsupported, resolveEngineVersion } from '../broker-options';
import { HOST_INSTANCE_TYPES, deploymentModesFor } from '../catalog';
import type { MqContext } from '../context';
import { badRequest, conflict } from '../errors';
import { commitPending } from '../pending-changes';
import { checkLogs, checkMaintenanceWindow } from '../validation';

/** Numeric order of dotted versions ("5.19" < "6.1.8"). */
function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/* UpdateBroker keeps most changes pending; RebootBroker commits them (pending-changes.ts) and applies them. */

export async function UpdateBroker(ctx: MqContext, input: UpdateBrokerRequest, caller: Caller): Promise<UpdateBrokerResponse> {
  const b = ctx.broker(input.BrokerId, caller);
  if (b.state === 'DELETION_IN_PROGRESS') throw conflict('broker-id', `Broker ${b.brokerId} is being deleted.`);
  // validate everything first, then change
  const engineVersion = input.EngineVersion !== undefined ? resolveEngineVersion(ctx, b.engineType, input.EngineVersion) : undefined;
  const upgrading = engineVersion !== undefined && engineVersion !== b.engineVersion;
  if (upgrading && compareVersions(engineVersion, b.engineVersion) < 0) {
    // a store written by a newer broker is not readable by an older one; Amazon MQ only upgrades too
    throw badRequest('engineVersion', `Broker ${b.brokerId} runs version [${b.engineVersion}]; it can be upgraded, not downgraded to [${engineVersion}].`);
  }
  const targetVersion = upgrading ? engineVersion : (b.pending.engineVersion ?? b.engineVersion);
  checkAutoMinorVersionUpgrade(b.engineType, targetVersion, input.AutoMinorVersionUpgrade ?? (upgrading ? b.autoMinorVersionUpgrade : undefined), upgrading);
  if (input.HostInstanceType !== undefined) {
    if (!HOST_INSTANCE_TYPES[b.engineType].includes(input.HostInstanceType)) {
      throw badRequest('hostInstanceType', `Host instance type ${input.HostInstanceType} is not supported for ${b.engineType}.`);
    }
    if (!deploymentModesFor(b.engineType, input.HostInstanceType, b.storageType).includes(b.deploymentMode)) {
      throw badRequest('hostInstanceType', `Host instance type ${input.HostInstanceType} does not support ${b.deploymentMode}.`);
    }
  }
  const authenticationStrategy = input.AuthenticationStrategy !== undefined ? checkAuthentication(b.engineType, input.AuthenticationStrategy) : undefined;
  refuseUnsupported(input);
  const configuration = checkConfigurationRef(ctx, b.engineType, input.Configuration, caller);
  const maintenance = checkMaintenanceWindow(input.MaintenanceWindowStartTime);
  const logs = input.Logs ? checkLogs(b.engineType, input.Logs) : undefined;
  if ((input.SecurityGroups?.length ?? 0) > 5) throw badRequest('securityGroups', 'A broker has at most 5 security groups.');

  if (engineVersion !== undefined && engineVersion !== b.engineVersion) b.pending.engineVersion = engineVersion;
  if (input.HostInstanceType !== undefined && input.HostInstanceType !== b.hostInstanceType) b.pending.hostInstanceType = input.HostInstanceType;
  if (authenticationStrategy !== undefined && authenticationStrategy !== b.authenticationStrategy) b.pending.authenticationStrategy = authenticationStrategy;
  if (input.SecurityGroups !== undefined) b.pending.securityGroups = input.SecurityGroups;
  if (configuration) b.pending.configuration = configuration;
  if (logs) b.pending.logs = logs;
  if (input.AutoMinorVersionUpgrade !== undefined) b.autoMinorVersionUpgrade = input.AutoMinorVersionUpgrade;
  if (maintenance) b.maintenanceWindowStartTime = maintenance;
  await ctx.saveBroker(b);
  return {
    AuthenticationStrategy: authenticationStrategy,
    AutoMinorVersionUpgrade: input.AutoMinorVersionUpgrade,
    BrokerId: b.brokerId,
    Configuration: configuration,
    EngineVersion: engineVersion,
    HostInstanceType: input.HostInstanceType,
    Logs: logs,
    MaintenanceWindowStartTime: maintenance,
    SecurityGroups: input.SecurityGroups,
    DataReplicationMode: 'NONE',
  };
}

export async function RebootBroker(ctx: MqContext, input: RebootBrokerRequest, caller: Caller): Promise<RebootBrokerResponse> {
  const b = ctx.broker(input.BrokerId, caller);
  if (b.state !== 'RUNNING' && b.state !== 'CRITICAL_ACTION_REQUIRED') {
    throw badRequest('broker-id', `Broker ${b.brokerId} is ${b.state}; only a RUNNING broker can be rebooted.`);
  }
  commitPending(b);
  b.state = 'REBOOT_IN_PROGRESS';
  await ctx.saveBroker(b);
  ctx.background(b.brokerId, () => runReboot(ctx, b.brokerId));
  return {};
}
