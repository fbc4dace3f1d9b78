import type {
  BrokerInstanceOption,
  BrokerStorageType,
  DescribeBrokerEngineTypesRequest,
  DescribeBrokerEngineTypesResponse,
  DescribeBrokerInstanceOptionsRequest,
  DescribeBrokerInstanceOptionsResponse,
  EngineType,
} from '@aws-sdk/client-mq';
import type { Caller } from '@wharf/engine-kit';
import { ENGINE_TYPES, HOST_INSTANCE_TYPES, availabilityZones, deploymentModesFor, storageTypesFor } from '../catalog';
import type { MqContext } from '../context';
import { checkEnum, checkMaxResults, page } from '../validation';

/** Engine types and versions this Wharf really runs (only engines with a configured backend). */
export async function DescribeBrokerEngineTypes(ctx: MqContext, input: DescribeBrokerEngineTypesRequest, _caller: Caller): Promise<DescribeBrokerEngineTypesResponse> {
  const max = checkMaxResults(input.MaxResults, 5, 100, 20);
  await Promise.all(ctx.backends().map((b) => b.ready?.()));
  const filter = input.EngineType ? checkEnum(input.EngineType, ENGINE_TYPES, 'engineType') : undefined;
  const types = ctx
    .backends()
    .filter((b) => !filter || b.engineType === filter)
    .map((b) => ({ EngineType: b.engineType, EngineVersions: b.engineVersions().map((v) => ({ Name: v })) }));
  const { items, nextToken } = page(types, max, input.NextToken);
  return { BrokerEngineTypes: items, MaxResults: max, NextToken: nextToken };
}

export async function DescribeBrokerInstanceOptions(ctx: MqContext, input: DescribeBrokerInstanceOptionsRequest, _caller: Caller): Promise<DescribeBrokerInstanceOptionsResponse> {
  const max = checkMaxResults(input.MaxResults, 5, 100, 20);
  await Promise.all(ctx.backends().map((b) => b.ready?.()));
  const engineFilter = input.EngineType ? checkEnum(input.EngineType, ENGINE_TYPES, 'engineType') : undefined;
  const storageFilter = input.StorageType ? checkEnum(input.StorageType, ['EBS', 'EFS'] as BrokerStorageType[], 'storageType') : undefined;
  const options: BrokerInstanceOption[] = [];
  for (const backend of ctx.backends()) {
    const engineType: EngineType = backend.engineType;
    if (engineFilter && engineType !== engineFilter) continue;
    for (const hostInstanceType of HOST_INSTANCE_TYPES[engineType]) {
      if (input.HostInstanceType && input.HostInstanceType !== hostInstanceType) continue;
      for (const storageType of storageTypesFor(engineType, hostInstanceType)) {
        if (storageFilter && storageType !== storageFilter) continue;
        const modes = deploymentModesFor(engineType, hostInstanceType, storageType).filter((m) => backend.deploymentModes().includes(m));
        if (modes.length === 0) continue;
        options.push({
          AvailabilityZones: availabilityZones(ctx.defaults.region).map((Name) => ({ Name })),
          EngineType: engineType,
          HostInstanceType: hostInstanceType,
          StorageType: storageType,
          SupportedDeploymentModes: modes,
          SupportedEngineVersions: backend.engineVersions(),
        });
      }
    }
  }
  const { items, nextToken } = page(options, max, input.NextToken);
  return { BrokerInstanceOptions: items, MaxResults: max, NextToken: nextToken };
}
