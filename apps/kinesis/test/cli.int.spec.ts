import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKinesis, type KinesisUnderTest } from './support';

const run = promisify(execFile);

/** The AWS CLI (botocore → urllib3: HTTP/1.1, JSON 1.1): v1 from PATH, and Debian's v2 when installed. */
const onPath = spawnSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();
const clis = [
  ...(onPath && onPath !== '/usr/bin/aws' ? [{ name: `aws (${onPath})`, bin: onPath, binaryArgs: [] as string[] }] : []),
  // Debian's v2 (tools/setup.sh installs it): blobs are base64 on the command line unless told otherwise.
  ...(existsSync('/usr/bin/aws') ? [{ name: '/usr/bin/aws', bin: '/usr/bin/aws', binaryArgs: ['--cli-binary-format', 'raw-in-base64-out'] }] : []),
];

describe('AWS CLI over HTTP/1.1', () => {
  let k: KinesisUnderTest;
  beforeAll(async () => {
    k = await startKinesis();
  });
  afterAll(async () => k?.stop());

  it('has an AWS CLI to run', () => expect(clis.length, 'no `aws` on PATH and no /usr/bin/aws: run tools/setup.sh').toBeGreaterThan(0));

  for (const [i, cli] of clis.entries()) {
    it(`${cli.name}: create-stream, wait, put-record, get-shard-iterator, get-records, describe, list, delete`, async () => {
      const aws = async (...args: string[]) => {
        const { stdout } = await run(cli.bin, [...args, '--endpoint-url', k.url, '--output', 'json'], {
          env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
          timeout: 60_000,
        });
        return stdout.trim() ? (JSON.parse(stdout) as Record<string, never>) : {};
      };
      const stream = `cli-${i}`;
      await aws('kinesis', 'create-stream', '--stream-name', stream, '--shard-count', '2');
      await aws('kinesis', 'wait', 'stream-exists', '--stream-name', stream);
      const put = await aws('kinesis', 'put-record', '--stream-name', stream, '--partition-key', 'truck-7', '--data', 'hello from the cli', ...cli.binaryArgs);
      expect(put).toMatchObject({ ShardId: expect.stringMatching(/^shardId-00000000000[01]$/), SequenceNumber: expect.stringMatching(/^\d{56}$/) });
      const it1 = await aws('kinesis', 'get-shard-iterator', '--stream-name', stream, '--shard-id', put.ShardId, '--shard-iterator-type', 'TRIM_HORIZON');
      const got = await aws('kinesis', 'get-records', '--shard-iterator', it1.ShardIterator);
      const records = got.Records as Array<{ Data: string; PartitionKey: string; SequenceNumber: string; ApproximateArrivalTimestamp: number | string }>;
      expect(records).toHaveLength(1);
      expect(Buffer.from(records[0].Data, 'base64').toString()).toBe('hello from the cli');
      expect(records[0]).toMatchObject({ PartitionKey: 'truck-7', SequenceNumber: put.SequenceNumber });
      const desc = (await aws('kinesis', 'describe-stream', '--stream-name', stream)).StreamDescription as Record<string, unknown>;
      expect(desc).toMatchObject({ StreamName: stream, StreamStatus: 'ACTIVE', RetentionPeriodHours: 24, StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}` });
      expect((desc.Shards as unknown[]).length).toBe(2);
      const summary = (await aws('kinesis', 'describe-stream-summary', '--stream-name', stream)).StreamDescriptionSummary as Record<string, unknown>;
      expect(summary).toMatchObject({ OpenShardCount: 2, StreamModeDetails: { StreamMode: 'PROVISIONED' } });
      expect((await aws('kinesis', 'list-streams')).StreamNames).toContain(stream);
      await aws('kinesis', 'delete-stream', '--stream-name', stream);
      await expect(aws('kinesis', 'describe-stream', '--stream-name', stream)).rejects.toThrow(/ResourceNotFoundException/);
    });
  }
});
