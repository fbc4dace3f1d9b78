import { describe, expect, it } from 'vitest';
import { writeStruct } from '../document/write';
import { kinesisModel, sqsModel } from '../model/services';
import type { StructShape } from '../model/shapes';
import { getRecordsOutput } from '../testing/kinesis-fixtures';
import { blobJson, carriesBlobs } from './blob-json';
import { JSON_RPC_WRITE } from './options';

const output = (model: ReturnType<typeof kinesisModel>, op: string) => model.operations.get(op)?.output as StructShape;
/** What encodeJsonBody wrote before blobJson: the document with base64 strings, through JSON.stringify. */
const stringified = (shape: StructShape, value: unknown) => JSON.stringify(writeStruct(shape, value, JSON_RPC_WRITE));
const viaBlobJson = (shape: StructShape, value: unknown) => blobJson(shape, writeStruct(shape, value, { ...JSON_RPC_WRITE, keepBlobs: { count: 0 } })).toString('utf8');

describe('blobJson: the same JSON text as JSON.stringify, blobs base64d into the Buffer', () => {
  it('GetRecords: records with blobs of every length mod 3, empty and large, beside the other members', () => {
    const shape = output(kinesisModel(), 'GetRecords');
    const records = [0, 1, 2, 3, 4, 5, 1024, 70_000].map((n, i) => ({
      SequenceNumber: `4959033827149025660855969253836157109592157598913658889${i}`,
      ApproximateArrivalTimestamp: new Date(1700000000123 + i),
      Data: Uint8Array.from({ length: n }, (_, j) => (j * 7 + i) & 0xff),
      PartitionKey: ['truck-1', 'é"\\\n\u2028', '🚚', ''][i % 4],
    }));
    for (const value of [getRecordsOutput, { ...getRecordsOutput, Records: records }, { Records: [], NextShardIterator: 'x', MillisBehindLatest: 5 }]) {
      const text = viaBlobJson(shape, value);
      expect(text).toBe(stringified(shape, value));
      expect(JSON.parse(text)).toEqual(JSON.parse(stringified(shape, value)));
    }
  });

  it('SQS ReceiveMessage: binary and string attributes in maps, unicode and escapes in bodies and keys', () => {
    const shape = output(sqsModel(), 'ReceiveMessage');
    const value = {
      Messages: [
        {
          MessageId: 'm1',
          ReceiptHandle: 'r1',
          MD5OfBody: 'x',
          Body: 'héllo "q" \\ \t \u0000 \ud83d\ude9a',
          Attributes: { SentTimestamp: '1', ApproximateReceiveCount: '2' },
          MessageAttributes: {
            bin: { DataType: 'Binary', BinaryValue: new Uint8Array([0, 255, 1]) },
            'ké "y"': { DataType: 'String', StringValue: 'v\n' },
            __proto__x: { DataType: 'Binary.list', BinaryListValues: [new Uint8Array([9]), new Uint8Array(0)] },
            ['__proto__']: { DataType: 'Binary', BinaryValue: new Uint8Array([7, 7]) }, // an own key named __proto__
          },
        },
        { MessageId: 'm2', Body: '' },
      ],
    };
    expect(viaBlobJson(shape, value)).toBe(stringified(shape, value));
    expect(viaBlobJson(shape, value)).toContain('"__proto__":{"DataType":"Binary","BinaryValue":"Bwc="}');
    expect(viaBlobJson(shape, {})).toBe('{}');
  });

  it('carriesBlobs says which outputs hold a blob anywhere', () => {
    const kinesis = kinesisModel();
    expect(carriesBlobs(output(kinesis, 'GetRecords'))).toBe(true);
    expect(carriesBlobs(output(sqsModel(), 'ReceiveMessage'))).toBe(true);
    expect(carriesBlobs(output(kinesis, 'DescribeStream'))).toBe(false);
    expect(carriesBlobs(output(kinesis, 'PutRecords'))).toBe(false);
  });
});
