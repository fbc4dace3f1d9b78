import type {
  CreateChannelInput,
  CreateChannelOutput,
  DeleteChannelInput,
  DescribeChannelInput,
  DescribeChannelOutput,
  ListChannelsInput,
  ListChannelsOutput,
  UpdateChannelInput,
} from '@aws-sdk/client-kinesis';
import type { KinesisContext } from '../context';
import { KinesisErrors } from '../errors';

/**
 * Channels deliver a stream to S3 / S3 Tables: Wharf has no S3 to deliver to, so none can be created. The
 * read-only calls answer truthfully (there are none); creating one fails with a clear error.
 */
export async function CreateChannel(_ctx: KinesisContext, _input: CreateChannelInput): Promise<CreateChannelOutput> {
  throw KinesisErrors.unsupported('CreateChannel (delivery to Amazon S3)');
}

export async function DescribeChannel(_ctx: KinesisContext, input: DescribeChannelInput): Promise<DescribeChannelOutput> {
  throw KinesisErrors.channelNotFound(input.ChannelARN);
}

export async function UpdateChannel(_ctx: KinesisContext, input: UpdateChannelInput): Promise<never> {
  throw KinesisErrors.channelNotFound(input.ChannelARN);
}

export async function DeleteChannel(_ctx: KinesisContext, input: DeleteChannelInput): Promise<never> {
  throw KinesisErrors.channelNotFound(input.ChannelARN);
}

export async function ListChannels(_ctx: KinesisContext, _input: ListChannelsInput): Promise<ListChannelsOutput> {
  return { ChannelSummaries: [] };
}
