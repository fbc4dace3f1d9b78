import { describe, expect, it } from 'vitest';
import { arn, parseArn } from './arn';
import { parseQueueUrl, queueUrl } from './queue-url';

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

describe('queue URLs', () => {
  it('builds from a base URL, with or without trailing slash', () => {
    expect(queueUrl('http://localhost:4566', '000000000000', 'orders')).toBe('http://localhost:4566/000000000000/orders');
    expect(queueUrl('http://sqs.local:9324/', '000000000000', 'o.fifo')).toBe('http://sqs.local:9324/000000000000/o.fifo');
  });

  it.each([
    ['http://localhost:4566/000000000000/orders', { accountId: '000000000000', queueName: 'orders' }],
    ['https://sqs.us-east-1.amazonaws.com/123456789012/jobs.fifo', { accountId: '123456789012', queueName: 'jobs.fifo' }],
    ['http://h/prefix/000000000000/q-1_a?x=1', { accountId: '000000000000', queueName: 'q-1_a' }],
    ['/000000000000/orders', { accountId: '000000000000', queueName: 'orders' }],
  ])('parses %s', (url, expected) => {
    expect(parseQueueUrl(url)).toEqual(expected);
  });

  it.each(['', 'http://localhost:4566', 'http://localhost:4566/orders', 'http://h/abc/orders', 'http://h/000000000000/bad name', `http://h/000000000000/${'a'.repeat(81)}`])(
    'rejects %j',
    (url) => {
      expect(parseQueueUrl(url)).toBeUndefined();
    },
  );
});
