import { operationTable } from '@wharf/engine-kit';
import type { MqContext } from './context';
import { RebootBroker, UpdateBroker } from './ops/broker-updates';
import { CreateBroker, DeleteBroker, DescribeBroker, ListBrokers, Promote } from './ops/brokers';
import { DescribeBrokerEngineTypes, DescribeBrokerInstanceOptions } from './ops/catalog';
import {
  CreateConfiguration,
  DeleteConfiguration,
  DescribeConfiguration,
  DescribeConfigurationRevision,
  ListConfigurationRevisions,
  ListConfigurations,
  UpdateConfiguration,
} from './ops/configurations';
import { CreateTags, DeleteTags, ListTags } from './ops/tags';
import { CreateUser, DeleteUser, DescribeUser, ListUsers, UpdateUser } from './ops/users';

/** Every Amazon MQ operation, by its AWS name (AwsApiModule refuses to start if the model has one more). */
export const mqOperations = operationTable<MqContext>()({
  CreateBroker,
  DescribeBroker,
  ListBrokers,
  UpdateBroker,
  RebootBroker,
  DeleteBroker,
  Promote,
  CreateUser,
  DescribeUser,
  UpdateUser,
  DeleteUser,
  ListUsers,
  CreateConfiguration,
  DescribeConfiguration,
  ListConfigurations,
  UpdateConfiguration,
  DeleteConfiguration,
  DescribeConfigurationRevision,
  ListConfigurationRevisions,
  CreateTags,
  DeleteTags,
  ListTags,
  DescribeBrokerEngineTypes,
  DescribeBrokerInstanceOptions,
});
