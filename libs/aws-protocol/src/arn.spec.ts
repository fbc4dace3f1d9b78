import { describe, expect, it } from 'vitest';
import { arn, parseArn } from './arn';

describe('ARNs', () => {
  it('builds and parses, keeping ":" and "/" inside the resource', () => {
    const a = arn({ service: 'mq', region: 'eu-west-1', accountId: '123456789012', resource: 'broker:orders:b-1234' });
    expect(a).toBe('arn:aws:mq:eu-west-1:123456789012:broker:orders:b-1234');
    expect(parseArn(a)).toEqual({ partition: 'aws', service: 'mq', region: 'eu-west-1', accountId: '123456789012', resource: 'broker:orders:b-1234' });
    const consumer = 'arn:aws:kinesis:us-east-1:000000000000:stream/trucks/consumer/app:1700000000';
    expect(parseArn(consumer)?.resource).toBe('stream/trucks/consumer/app:1700000000');
    expect(parseArn('arn:aws:sns:us-east-1:000000000000:topic:5f1c')?.resource).toBe('topic:5f1c');
    expect(parseArn('arn:aws-cn:s3:::bucket')).toEqual({ partition: 'aws-cn', service: 's3', region: '', accountId: '', resource: 'bucket' });
  });

  it.each(['', 'arn', 'arn:aws:sqs', 'urn:aws:sqs:r:a:q', 'arn:aws::r:a:q', 'arn:aws:sqs:r:a:'])('rejects %j', (s) => {
    expect(parseArn(s)).toBeUndefined();
  });
});
