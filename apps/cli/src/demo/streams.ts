import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { sleep } from '../aws';

const errName = (err: unknown) => (err as { name?: string }).name ?? '';

/** Creates the stream unless it exists (any state), waits until ACTIVE, and returns its open shards. */
export async function ensureStream(client: KinesisClient, name: string, shards: number): Promise<{ shards: Shard[]; created: boolean }> {
  let created = true;
  try {
    await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  } catch (err) {
    if (errName(err) !== 'ResourceInUseException') throw err;
    created = false;
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { StreamDescriptionSummary: s } = await client.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s?.StreamStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`stream ${name} is still ${s?.StreamStatus} after 60 s`);
    await sleep(200);
  }
  const all: Shard[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(NextToken ? new ListShardsCommand({ NextToken }) : new ListShardsCommand({ StreamName: name }));
    all.push(...(page.Shards ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return { shards: all.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined), created };
}

const THROTTLED = new Set(['ProvisionedThroughputExceededException', 'LimitExceededException', 'ThrottlingException', 'ServiceUnavailable', 'InternalFailure']);

/**
 * PutRecords until every entry is in. Callers put at most one record per partition key in a call, so a
 * partial failure retried alone cannot reorder a key's records (AWS's advice for ordered PutRecords).
 */
export async function putAll(client: KinesisClient, stream: string, entries: PutRecordsRequestEntry[], onPut: (n: number) => void = () => undefined): Promise<number> {
  let pending = entries;
  let retries = 0;
  let backoff = 50;
  while (pending.length) {
    try {
      const res = await client.send(new PutRecordsCommand({ StreamName: stream, Records: pending }));
      const failed = pending.filter((_, i) => res.Records?.[i]?.ErrorCode);
      onPut(pending.length - failed.length);
      const refused = res.Records?.find((r) => r.ErrorCode && !THROTTLED.has(r.ErrorCode));
      if (refused) throw new Error(`PutRecords to ${stream} refused a record: ${refused.ErrorCode}: ${refused.ErrorMessage}`);
      if (failed.length) retries++;
      pending = failed;
    } catch (err) {
      if (!THROTTLED.has(errName(err))) throw err;
      retries++;
    }
    if (pending.length) {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 1_000);
    }
  }
  return retries;
}
