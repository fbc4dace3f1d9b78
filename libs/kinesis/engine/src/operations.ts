import { operationTable } from '@wharf/engine-kit';
import type { KinesisContext } from './context';
import { CreateChannel, DeleteChannel, DescribeChannel, ListChannels, UpdateChannel } from './ops/channels';
import { DeregisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers, RegisterStreamConsumer, SubscribeToShard } from './ops/consumers';
import { ListShards } from './ops/list-shards';
import { GetRecords, GetShardIterator, PutRecord, PutRecords } from './ops/records';
import { MergeShards, SplitShard, UpdateShardCount } from './ops/reshard';
import {
  DeleteResourcePolicy,
  DescribeAccountSettings,
  DisableEnhancedMonitoring,
  EnableEnhancedMonitoring,
  GetResourcePolicy,
  ListTagsForResource,
  PutResourcePolicy,
  StartStreamEncryption,
  StopStreamEncryption,
  TagResource,
  UntagResource,
  UpdateAccountSettings,
  UpdateMaxRecordSize,
  UpdateStreamMode,
  UpdateStreamRecordDistributionStrategy,
  UpdateStreamWarmThroughput,
} from './ops/settings';
import {
  AddTagsToStream,
  CreateStream,
  DecreaseStreamRetentionPeriod,
  DeleteStream,
  DescribeLimits,
  DescribeStream,
  DescribeStreamSummary,
  IncreaseStreamRetentionPeriod,
  ListStreams,
  ListTagsForStream,
  RemoveTagsFromStream,
} from './ops/streams';

/**
 * Every operation of the Kinesis Data Streams API, by its AWS name. SubscribeToShard resolves to a
 * Subscription, which the app writes as an event stream.
 */
export const kinesisOperations = operationTable<KinesisContext>()({
  // streams (ops/streams.ts, ops/list-shards.ts)
  CreateStream,
  DeleteStream,
  DescribeStream,
  DescribeStreamSummary,
  ListStreams,
  ListShards,
  IncreaseStreamRetentionPeriod,
  DecreaseStreamRetentionPeriod,
  AddTagsToStream,
  RemoveTagsFromStream,
  ListTagsForStream,
  DescribeLimits,
  // stream settings, resource tags and policies, account settings (ops/settings.ts)
  UpdateStreamMode,
  StartStreamEncryption,
  StopStreamEncryption,
  EnableEnhancedMonitoring,
  DisableEnhancedMonitoring,
  UpdateMaxRecordSize,
  UpdateStreamWarmThroughput,
  UpdateStreamRecordDistributionStrategy,
  TagResource,
  UntagResource,
  ListTagsForResource,
  PutResourcePolicy,
  GetResourcePolicy,
  DeleteResourcePolicy,
  DescribeAccountSettings,
  UpdateAccountSettings,
  // records (ops/records.ts)
  PutRecord,
  PutRecords,
  GetShardIterator,
  GetRecords,
  // resharding (ops/reshard.ts)
  SplitShard,
  MergeShards,
  UpdateShardCount,
  // enhanced fan-out (ops/consumers.ts)
  RegisterStreamConsumer,
  DeregisterStreamConsumer,
  DescribeStreamConsumer,
  ListStreamConsumers,
  SubscribeToShard,
  // channels: delivery to S3, which Wharf has not (ops/channels.ts)
  CreateChannel,
  DescribeChannel,
  UpdateChannel,
  DeleteChannel,
  ListChannels,
});
