import { AwsError } from '@wharf/aws-protocol';
import { shardId } from './model';

/** AWS's Kinesis errors, with the messages AWS (and kinesalite, which copied them) use. */
export const KinesisErrors = {
  streamNotFound: (name: string, account: string) =>
    new AwsError('ResourceNotFoundException', `Stream ${name} under account ${account} not found.`),
  streamExists: (name: string, account: string) =>
    new AwsError('ResourceInUseException', `Stream ${name} under account ${account} already exists.`),
  notActive: (name: string, account: string, status: string) =>
    new AwsError('ResourceInUseException', `Stream ${name} under account ${account} not ACTIVE, instead in state ${status}`),
  shardNotFound: (shard: string, name: string, account: string) =>
    new AwsError('ResourceNotFoundException', `Could not find shard ${shard} in stream ${name} under account ${account}.`),
  /** A shard by index, or by the id as the call gave it (AWS also takes the bare number). */
  shardDoesNotExist: (shard: number | string, name: string, account: string) =>
    new AwsError('ResourceNotFoundException', `Shard ${typeof shard === 'number' ? shardId(shard) : shard} in stream ${name} under account ${account} does not exist`),
  resourceNotFoundPolicy: (arn: string) => new AwsError('ResourceNotFoundException', `No resource policy found for resource ${arn}.`),
  consumerNotFound: (what: string) => new AwsError('ResourceNotFoundException', `Consumer ${what} not found.`),
  channelNotFound: (arn: string | undefined) => new AwsError('ResourceNotFoundException', `Channel ${arn ?? ''} not found.`),
  /** A resource of another account: AWS authorizes before it looks, so the answer does not depend on existence. */
  accessDenied: (caller: { accountId: string }, arn: string) =>
    new AwsError(
      'AccessDeniedException',
      `User: arn:aws:iam::${caller.accountId}:root is not authorized to access resource: ${arn} because no resource-based policy allows it`,
    ),
  invalidArgument: (message: string) => new AwsError('InvalidArgumentException', message),
  validation: (message: string) => new AwsError('ValidationException', message),
  limitExceeded: (message: string) => new AwsError('LimitExceededException', message),
  resourceInUse: (message: string) => new AwsError('ResourceInUseException', message),
  throughputExceeded: (message: string) => new AwsError('ProvisionedThroughputExceededException', message),
  invalidIterator: () => new AwsError('InvalidArgumentException', 'Invalid ShardIterator.'),
  expiredIterator: (issuedAt: number, now: number) =>
    new AwsError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${amzDate(issuedAt)} while right now it is ${amzDate(now)} ` +
        'which is further in the future than the tolerated delay of 300000 milliseconds.',
    ),
  expiredNextToken: () => new AwsError('ExpiredNextTokenException', 'The timestamp in the NextToken has expired.'),
  invalidNextToken: () => new AwsError('InvalidArgumentException', 'Invalid NextToken.'),
  dryRun: () => new AwsError('DryRunOperationException', 'The request would have succeeded, but the DryRun flag is set.'),
  internalFailure: (message: string) => new AwsError('InternalFailureException', message, { status: 500, sender: false }),
  unsupported: (what: string) =>
    new AwsError('UnsupportedOperation', `${what} is not supported by Wharf.`, { status: 400 }),
} as const;

/** "Thu Jan 22 01:22:02 UTC 2015", as in AWS's iterator messages. */
export function amzDate(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}
