import type * as K from '@aws-sdk/client-kinesis';
import type { KinesisEngineConfig } from './config';
import { EngineContext, type EngineLogger } from './context';
import type { Caller, Clock, MetadataStore, RecordLog, ThroughputGate } from './ports';
import * as channels from './ops/channels';
import * as consumers from './ops/consumers';
import { ListShards as listShards } from './ops/list-shards';
import * as records from './ops/records';
import * as reshard from './ops/reshard';
import * as settings from './ops/settings';
import * as streams from './ops/streams';

export interface KinesisEngineDeps {
  config: KinesisEngineConfig;
  clock: Clock;
  store: MetadataStore;
  log: RecordLog;
  gate: ThroughputGate;
  logger: EngineLogger;
}

/**
 * Kinesis Data Streams semantics, one method per operation (named as the operation, typed with the SDK's
 * types). Each delegates to the file of its area under ops/.
 */
export class KinesisEngine {
  readonly ctx: EngineContext;

  constructor(deps: KinesisEngineDeps) {
    this.ctx = new EngineContext(deps.config, deps.clock, deps.store, deps.log, deps.gate, deps.logger);
  }

  // streams
  CreateStream = (i: K.CreateStreamInput, c: Caller) => streams.CreateStream(this.ctx, i, c);
  DeleteStream = (i: K.DeleteStreamInput, c: Caller) => streams.DeleteStream(this.ctx, i, c);
  DescribeStream = (i: K.DescribeStreamInput, c: Caller) => streams.DescribeStream(this.ctx, i, c);
  DescribeStreamSummary = (i: K.DescribeStreamSummaryInput, c: Caller) => streams.DescribeStreamSummary(this.ctx, i, c);
  ListStreams = (i: K.ListStreamsInput, c: Caller) => streams.ListStreams(this.ctx, i, c);
  ListShards = (i: K.ListShardsInput, c: Caller) => listShards(this.ctx, i, c);
  IncreaseStreamRetentionPeriod = (i: K.IncreaseStreamRetentionPeriodInput, c: Caller) => streams.IncreaseStreamRetentionPeriod(this.ctx, i, c);
  DecreaseStreamRetentionPeriod = (i: K.DecreaseStreamRetentionPeriodInput, c: Caller) => streams.DecreaseStreamRetentionPeriod(this.ctx, i, c);
  AddTagsToStream = (i: K.AddTagsToStreamInput, c: Caller) => streams.AddTagsToStream(this.ctx, i, c);
  RemoveTagsFromStream = (i: K.RemoveTagsFromStreamInput, c: Caller) => streams.RemoveTagsFromStream(this.ctx, i, c);
  ListTagsForStream = (i: K.ListTagsForStreamInput, c: Caller) => streams.ListTagsForStream(this.ctx, i, c);
  DescribeLimits = (i: K.DescribeLimitsInput, c: Caller) => streams.DescribeLimits(this.ctx, i, c);

  // settings
  UpdateStreamMode = (i: K.UpdateStreamModeInput, c: Caller) => settings.UpdateStreamMode(this.ctx, i, c);
  StartStreamEncryption = (i: K.StartStreamEncryptionInput, c: Caller) => settings.StartStreamEncryption(this.ctx, i, c);
  StopStreamEncryption = (i: K.StopStreamEncryptionInput, c: Caller) => settings.StopStreamEncryption(this.ctx, i, c);
  EnableEnhancedMonitoring = (i: K.EnableEnhancedMonitoringInput, c: Caller) => settings.EnableEnhancedMonitoring(this.ctx, i, c);
  DisableEnhancedMonitoring = (i: K.DisableEnhancedMonitoringInput, c: Caller) => settings.DisableEnhancedMonitoring(this.ctx, i, c);
  UpdateMaxRecordSize = (i: K.UpdateMaxRecordSizeInput, c: Caller) => settings.UpdateMaxRecordSize(this.ctx, i, c);
  UpdateStreamWarmThroughput = (i: K.UpdateStreamWarmThroughputInput, c: Caller) => settings.UpdateStreamWarmThroughput(this.ctx, i, c);
  UpdateStreamRecordDistributionStrategy = (i: K.UpdateStreamRecordDistributionStrategyInput, c: Caller) =>
    settings.UpdateStreamRecordDistributionStrategy(this.ctx, i, c);
  TagResource = (i: K.TagResourceInput) => settings.TagResource(this.ctx, i);
  UntagResource = (i: K.UntagResourceInput) => settings.UntagResource(this.ctx, i);
  ListTagsForResource = (i: K.ListTagsForResourceInput) => settings.ListTagsForResource(this.ctx, i);
  PutResourcePolicy = (i: K.PutResourcePolicyInput) => settings.PutResourcePolicy(this.ctx, i);
  GetResourcePolicy = (i: K.GetResourcePolicyInput) => settings.GetResourcePolicy(this.ctx, i);
  DeleteResourcePolicy = (i: K.DeleteResourcePolicyInput) => settings.DeleteResourcePolicy(this.ctx, i);
  DescribeAccountSettings = (i: K.DescribeAccountSettingsInput, c: Caller) => settings.DescribeAccountSettings(this.ctx, i, c);
  UpdateAccountSettings = (i: K.UpdateAccountSettingsInput, c: Caller) => settings.UpdateAccountSettings(this.ctx, i, c);

  // records
  PutRecord = (i: K.PutRecordInput, c: Caller) => records.PutRecord(this.ctx, i, c);
  PutRecords = (i: K.PutRecordsInput, c: Caller) => records.PutRecords(this.ctx, i, c);
  GetShardIterator = (i: K.GetShardIteratorInput, c: Caller) => records.GetShardIterator(this.ctx, i, c);
  GetRecords = (i: K.GetRecordsInput, c: Caller) => records.GetRecords(this.ctx, i, c);

  // resharding
  SplitShard = (i: K.SplitShardInput, c: Caller) => reshard.SplitShard(this.ctx, i, c);
  MergeShards = (i: K.MergeShardsInput, c: Caller) => reshard.MergeShards(this.ctx, i, c);
  UpdateShardCount = (i: K.UpdateShardCountInput, c: Caller) => reshard.UpdateShardCount(this.ctx, i, c);

  // enhanced fan-out
  RegisterStreamConsumer = (i: K.RegisterStreamConsumerInput, c: Caller) => consumers.RegisterStreamConsumer(this.ctx, i, c);
  DeregisterStreamConsumer = (i: K.DeregisterStreamConsumerInput) => consumers.DeregisterStreamConsumer(this.ctx, i);
  DescribeStreamConsumer = (i: K.DescribeStreamConsumerInput) => consumers.DescribeStreamConsumer(this.ctx, i);
  ListStreamConsumers = (i: K.ListStreamConsumersInput, c: Caller) => consumers.ListStreamConsumers(this.ctx, i, c);
  SubscribeToShard = (i: K.SubscribeToShardInput) => consumers.SubscribeToShard(this.ctx, i);

  // channels (delivery to S3: none can exist here)
  CreateChannel = (i: K.CreateChannelInput) => channels.CreateChannel(i);
  DescribeChannel = (i: K.DescribeChannelInput) => channels.DescribeChannel(i);
  UpdateChannel = (i: K.UpdateChannelInput) => channels.UpdateChannel(i);
  DeleteChannel = (i: K.DeleteChannelInput) => channels.DeleteChannel(i);
  ListChannels = (i: K.ListChannelsInput) => channels.ListChannels(i);

  /** Background work, every second in every process: resume stalled reshards, scale ON_DEMAND streams. */
  tick = () => reshard.tick(this.ctx);
}
