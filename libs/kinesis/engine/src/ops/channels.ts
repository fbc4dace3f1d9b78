import type {
  CreateChannelInput,
  DeleteChannelInput,
  DescribeChannelInput,
  DescribeChannelOutput,
  ListChannelsInput,
  ListChannelsOutput,
  UpdateChannelInput,
} from '@aws-sdk/client-kinesis';
import { AwsError } from '@wharf/aws-protocol';
import { KinesisErrors } from '../errors';

/**
 * Channels deliver a stream to S3 / S3 Tables: Wharf has no S3 to deliver to, so none can be created. The
 * read-only calls answer truthfully (there are none); creating one fails with a clear error.
 */
export function CreateChannel(_input: CreateChannelInput): never {
  throw KinesisErrors.unsupported('CreateChannel (delivery to Amazon S3)');
}

function channelNotFound(arn: string | undefined): AwsError {
  return new AwsError('ResourceNotFoundException', `Channel ${arn ?? ''} not found.`);
}

export async function DescribeChannel(input: DescribeChannelInput): Promise<DescribeChannelOutput> {
  throw channelNotFound(input.ChannelARN);
}

export async function UpdateChannel(input: UpdateChannelInput): Promise<never> {
  throw channelNotFound(input.ChannelARN);
}

export async function DeleteChannel(input: DeleteChannelInput): Promise<never> {
  throw channelNotFound(input.ChannelARN);
}

export async function ListChannels(_input: ListChannelsInput): Promise<ListChannelsOutput> {
  return { ChannelSummaries: [] };
}
