export const putRecordsInput = {
  StreamName: 'trucks',
  Records: [
    { Data: new Uint8Array([0x7b, 0x22, 0x6c, 0x61, 0x74, 0x22, 0x3a, 0x31, 0x7d]), PartitionKey: 'truck-1' },
    { Data: new Uint8Array([0, 255, 128]), PartitionKey: 'truck-2', ExplicitHashKey: '0' },
    { Data: new Uint8Array([]), PartitionKey: 'truck-3' },
  ],
};

export const listShardsInput = {
  StreamName: 'trucks',
  MaxResults: 100,
  StreamCreationTimestamp: new Date(1700000000123),
  ShardFilter: { Type: 'AT_TIMESTAMP' as const, Timestamp: new Date(1700000000456) },
};

export const getRecordsOutput = {
  Records: [
    {
      SequenceNumber: '49590338271490256608559692538361571095921575989136588898',
      ApproximateArrivalTimestamp: new Date(1700000000123),
      Data: new Uint8Array([1, 2, 3, 250]),
      PartitionKey: 'truck-1',
      EncryptionType: 'NONE' as const,
    },
  ],
  NextShardIterator: 'next',
  MillisBehindLatest: 0,
  ChildShards: [
    { ShardId: 'shardId-000000000002', ParentShards: ['shardId-000000000000'], HashKeyRange: { StartingHashKey: '0', EndingHashKey: '100' } },
  ],
};

export const describeStreamOutput = {
  StreamDescription: {
    StreamName: 'trucks',
    StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/trucks',
    StreamStatus: 'ACTIVE' as const,
    StreamModeDetails: { StreamMode: 'PROVISIONED' as const },
    Shards: [
      {
        ShardId: 'shardId-000000000000',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' },
        SequenceNumberRange: { StartingSequenceNumber: '1' },
      },
    ],
    HasMoreShards: false,
    RetentionPeriodHours: 24,
    StreamCreationTimestamp: new Date(1700000000000),
    EnhancedMonitoring: [{ ShardLevelMetrics: ['IncomingBytes' as const] }],
    EncryptionType: 'NONE' as const,
  },
};
