import { operationTable } from '@wharf/engine-kit';
import type { SnsContext } from './context';
import * as permissions from './ops/permissions';
import * as publish from './ops/publish';
import * as subscriptions from './ops/subscriptions';
import * as tags from './ops/tags';
import * as topics from './ops/topics';
import * as unsupported from './ops/unsupported';

/** Every operation of the SNS model, by AWS name; AwsApiModule binds them to the app's SnsContext. */
export const snsOperations = operationTable<SnsContext>()({
  ...topics,
  ...subscriptions,
  ...publish,
  ...tags,
  ...permissions,
  ...unsupported,
});
