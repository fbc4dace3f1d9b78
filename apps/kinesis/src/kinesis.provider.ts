import { Injectable } from '@nestjs/common';
import type * as K from '@aws-sdk/client-kinesis';
import type { RequestContext } from '@wharf/aws-protocol';
import { KinesisEngine, type Caller, type Subscription } from '@wharf/kinesis-engine';

const caller = (ctx: RequestContext): Caller => ({ account: ctx.accountId, region: ctx.region });

/**
 * The Kinesis Data Streams API: one method per operation of the model, named as the operation and typed with
 * the SDK's shapes; each hands over to the engine. SubscribeToShard returns the subscription, which the
 * controller writes as an event stream.
 */
@Injectable()
export class KinesisProvider {
  constructor(private readonly engine: KinesisEngine) {}

  // streams
  CreateStream(i: K.CreateStreamInput, c: RequestContext): Promise<object> { return this.engine.CreateStream(i, caller(c)); }
  DeleteStream(i: K.DeleteStreamInput, c: RequestContext): Promise<object> { return this.engine.DeleteStream(i, caller(c)); }
  DescribeStream(i: K.DescribeStreamInput, c: RequestContext): Promise<K.DescribeStreamOutput> { return this.engine.DescribeStream(i, caller(c)); }
  DescribeStreamSummary(i: K.DescribeStreamSummaryInput, c: RequestContext): Promise<K.DescribeStreamSummaryOutput> { return this.engine.DescribeStreamSummary(i, caller(c)); }
  ListStreams(i: K.ListStreamsInput, c: RequestContext): Promise<K.ListStreamsOutput> { return this.engine.ListStreams(i, caller(c)); }
  ListShards(i: K.ListShardsInput, c: RequestContext): Promise<K.ListShardsOutput> { return this.engine.ListShards(i, caller(c)); }
  IncreaseStreamRetentionPeriod(i: K.IncreaseStreamRetentionPeriodInput, c: RequestContext): Promise<object> { return this.engine.IncreaseStreamRetentionPeriod(i, caller(c)); }
  DecreaseStreamRetentionPeriod(i: K.DecreaseStreamRetentionPeriodInput, c: RequestContext): Promise<object> { return this.engine.DecreaseStreamRetentionPeriod(i, caller(c)); }
  AddTagsToStream(i: K.AddTagsToStreamInput, c: RequestContext): Promise<object> { return this.engine.AddTagsToStream(i, caller(c)); }
  RemoveTagsFromStream(i: K.RemoveTagsFromStreamInput, c: RequestContext): Promise<object> { return this.engine.RemoveTagsFromStream(i, caller(c)); }
  ListTagsForStream(i: K.ListTagsForStreamInput, c: RequestContext): Promise<K.ListTagsForStreamOutput> { return this.engine.ListTagsForStream(i, caller(c)); }
  DescribeLimits(i: K.DescribeLimitsInput, c: RequestContext): Promise<K.DescribeLimitsOutput> { return this.engine.DescribeLimits(i, caller(c)); }

  // stream settings
  UpdateStreamMode(i: K.UpdateStreamModeInput, c: RequestContext): Promise<object> { return this.engine.UpdateStreamMode(i, caller(c)); }
  StartStreamEncryption(i: K.StartStreamEncryptionInput, c: RequestContext): Promise<object> { return this.engine.StartStreamEncryption(i, caller(c)); }
  StopStreamEncryption(i: K.StopStreamEncryptionInput, c: RequestContext): Promise<object> { return this.engine.StopStreamEncryption(i, caller(c)); }
  EnableEnhancedMonitoring(i: K.EnableEnhancedMonitoringInput, c: RequestContext): Promise<K.EnhancedMonitoringOutput> { return this.engine.EnableEnhancedMonitoring(i, caller(c)); }
  DisableEnhancedMonitoring(i: K.DisableEnhancedMonitoringInput, c: RequestContext): Promise<K.EnhancedMonitoringOutput> { return this.engine.DisableEnhancedMonitoring(i, caller(c)); }
  UpdateMaxRecordSize(i: K.UpdateMaxRecordSizeInput, c: RequestContext): Promise<object> { return this.engine.UpdateMaxRecordSize(i, caller(c)); }
  UpdateStreamWarmThroughput(i: K.UpdateStreamWarmThroughputInput, c: RequestContext): Promise<K.UpdateStreamWarmThroughputOutput> { return this.engine.UpdateStreamWarmThroughput(i, caller(c)); }
  UpdateStreamRecordDistributionStrategy(i: K.UpdateStreamRecordDistributionStrategyInput, c: RequestContext): Promise<object> { return this.engine.UpdateStreamRecordDistributionStrategy(i, caller(c)); }
  TagResource(i: K.TagResourceInput): Promise<object> { return this.engine.TagResource(i); }
  UntagResource(i: K.UntagResourceInput): Promise<object> { return this.engine.UntagResource(i); }
  ListTagsForResource(i: K.ListTagsForResourceInput): Promise<K.ListTagsForResourceOutput> { return this.engine.ListTagsForResource(i); }
  PutResourcePolicy(i: K.PutResourcePolicyInput): Promise<object> { return this.engine.PutResourcePolicy(i); }
  GetResourcePolicy(i: K.GetResourcePolicyInput): Promise<K.GetResourcePolicyOutput> { return this.engine.GetResourcePolicy(i); }
  DeleteResourcePolicy(i: K.DeleteResourcePolicyInput): Promise<object> { return this.engine.DeleteResourcePolicy(i); }
  DescribeAccountSettings(i: K.DescribeAccountSettingsInput, c: RequestContext): Promise<K.DescribeAccountSettingsOutput> { return this.engine.DescribeAccountSettings(i, caller(c)); }
  UpdateAccountSettings(i: K.UpdateAccountSettingsInput, c: RequestContext): Promise<K.UpdateAccountSettingsOutput> { return this.engine.UpdateAccountSettings(i, caller(c)); }

  // records
  PutRecord(i: K.PutRecordInput, c: RequestContext): Promise<K.PutRecordOutput> { return this.engine.PutRecord(i, caller(c)); }
  PutRecords(i: K.PutRecordsInput, c: RequestContext): Promise<K.PutRecordsOutput> { return this.engine.PutRecords(i, caller(c)); }
  GetShardIterator(i: K.GetShardIteratorInput, c: RequestContext): Promise<K.GetShardIteratorOutput> { return this.engine.GetShardIterator(i, caller(c)); }
  GetRecords(i: K.GetRecordsInput, c: RequestContext): Promise<K.GetRecordsOutput> { return this.engine.GetRecords(i, caller(c)); }

  // resharding
  SplitShard(i: K.SplitShardInput, c: RequestContext): Promise<object> { return this.engine.SplitShard(i, caller(c)); }
  MergeShards(i: K.MergeShardsInput, c: RequestContext): Promise<object> { return this.engine.MergeShards(i, caller(c)); }
  UpdateShardCount(i: K.UpdateShardCountInput, c: RequestContext): Promise<K.UpdateShardCountOutput> { return this.engine.UpdateShardCount(i, caller(c)); }

  // enhanced fan-out
  RegisterStreamConsumer(i: K.RegisterStreamConsumerInput, c: RequestContext): Promise<K.RegisterStreamConsumerOutput> { return this.engine.RegisterStreamConsumer(i, caller(c)); }
  DeregisterStreamConsumer(i: K.DeregisterStreamConsumerInput): Promise<object> { return this.engine.DeregisterStreamConsumer(i); }
  DescribeStreamConsumer(i: K.DescribeStreamConsumerInput): Promise<K.DescribeStreamConsumerOutput> { return this.engine.DescribeStreamConsumer(i); }
  ListStreamConsumers(i: K.ListStreamConsumersInput, c: RequestContext): Promise<K.ListStreamConsumersOutput> { return this.engine.ListStreamConsumers(i, caller(c)); }
  /** Written as an event stream by the controller (`initial-response`, then SubscribeToShardEvent frames). */
  SubscribeToShard(i: K.SubscribeToShardInput): Promise<Subscription> { return this.engine.SubscribeToShard(i); }

  // channels: delivery to S3, which Wharf has not (Create fails clearly; the rest say there are none)
  CreateChannel(i: K.CreateChannelInput): Promise<K.CreateChannelOutput> { return Promise.resolve().then(() => this.engine.CreateChannel(i)); }
  DescribeChannel(i: K.DescribeChannelInput): Promise<K.DescribeChannelOutput> { return this.engine.DescribeChannel(i); }
  UpdateChannel(i: K.UpdateChannelInput): Promise<K.UpdateChannelOutput> { return this.engine.UpdateChannel(i); }
  DeleteChannel(i: K.DeleteChannelInput): Promise<object> { return this.engine.DeleteChannel(i); }
  ListChannels(i: K.ListChannelsInput): Promise<K.ListChannelsOutput> { return this.engine.ListChannels(i); }
}
